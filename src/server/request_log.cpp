#include "server/request_log.hpp"

#include "core/clock.hpp"
#include "core/query.hpp"
#include "core/timefmt.hpp"

#include <array>
#include <cctype>
#include <unistd.h>

namespace pjm::server {

namespace {

constexpr std::array<std::string_view, 4> k_secret_words = {"token", "nonce", "secret", "password"};

bool secret_key(std::string_view raw_key) {
    // Decode the key as a server would ("x%2Dnonce" is x-nonce), then look for the words.
    auto parsed = core::QueryParams::parse(std::string(raw_key) + "=");
    std::string key =
        parsed && !parsed->empty() ? parsed->items().front().first : std::string(raw_key);
    for (char& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto word : k_secret_words)
        if (key.find(word) != std::string::npos) return true;
    return !parsed; // a key we cannot even decode may hide anything
}

void append_printable(std::string& out, std::string_view text) {
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out += u >= 0x20 && u < 0x7f ? c : '?';
    }
}

} // namespace

std::string loggable_target(std::string_view target) {
    std::string out;
    auto q = target.find('?');
    append_printable(out, target.substr(0, q));
    if (q == std::string_view::npos) return out;
    out += '?';
    std::string_view query = target.substr(q + 1);
    bool first = true;
    while (true) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        if (!first) out += '&';
        first = false;
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (eq != std::string_view::npos && secret_key(key)) {
            append_printable(out, key);
            out += "=<redacted>";
        } else if (eq == std::string_view::npos && secret_key(key)) {
            out += "<redacted>";
        } else {
            append_printable(out, pair);
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
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
