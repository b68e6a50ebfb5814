#include "server/request_log.hpp"

#include "core/clock.hpp"
#include "core/timefmt.hpp"
#include "util/printable.hpp"
#include "util/redact.hpp"

#include <unistd.h>

namespace pjm::server {

std::string loggable_target(std::string_view target) {
    return util::printable(util::redact_url(target), util::Newlines::escape, util::Bytes::ascii);
}

void RequestLog::write(std::string_view text) {
    core::SystemClock clock;
    std::string line = core::rfc3339_ms(clock.now_ms());
    line += ' ';
    line += text;
    line += '\n';
    std::lock_guard lock(m_mutex);
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t n = ::write(m_fd, rest.data(), rest.size());
        if (n <= 0) break; // a closed stderr must not stop the server
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace pjm::server
