#include "server/listen.hpp"

namespace pjm::server {

std::optional<ListenAddress> parse_listen(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    int n = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n > 65535) return std::nullopt;
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return std::nullopt;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return std::nullopt; // a bare IPv6 address needs brackets
    }
    for (char c : host)
        if (c <= ' ' || c == '/' || c == '[' || c == ']' || static_cast<unsigned char>(c) >= 0x7f)
            return std::nullopt;
    return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host), n};
}

bool is_loopback(const ListenAddress& address) {
    const std::string& h = address.host;
    return h == "localhost" || h == "::1" || h.starts_with("127.");
}

} // namespace pjm::server
