// The --listen address of pjm serve: "ADDR:PORT", "[IPv6]:PORT" or ":PORT" (every IPv4
// interface). Port 0 asks the kernel for a free one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pjm::server {

struct ListenAddress {
    std::string host;
    int port = 0;
};

std::optional<ListenAddress> parse_listen(std::string_view text);

// Whether only this machine can reach the address: 127.0.0.0/8, ::1, localhost. Anything else
// served over plain HTTP sends tokens across a network readable (pjm serve warns).
bool is_loopback(const ListenAddress& address);

} // namespace pjm::server
