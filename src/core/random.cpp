#include "core/random.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/random.h>

namespace pjm::core {

std::vector<std::uint8_t> random_bytes(std::size_t size) {
    std::vector<std::uint8_t> out(size);
    std::size_t filled = 0;
    while (filled < size) {
        ssize_t n = getrandom(out.data() + filled, size - filled, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(n);
    }
    return out;
}

} // namespace pjm::core
