// Digests (nettle) and the hex/base64 encodings the identifiers and tokens use.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pjm::core {

std::array<std::uint8_t, 16> md5(std::string_view data);
std::array<std::uint8_t, 20> sha1(std::string_view data);
std::array<std::uint8_t, 32> sha256(std::string_view data);

std::string to_hex(const std::uint8_t* data, std::size_t size);
template <std::size_t N> std::string to_hex(const std::array<std::uint8_t, N>& a) {
    return to_hex(a.data(), a.size());
}
std::string sha256_hex(std::string_view data);
std::string base64(const std::uint8_t* data, std::size_t size);
// The bytes of unpadded base64url text (as in a JWT: no '='); nothing when the
// text is not base64url.
std::optional<std::string> base64url_decode(std::string_view text);
// The bytes of base64 text (the standard alphabet, padded, as in HTTP Basic credentials);
// nothing when the text is not base64.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace pjm::core
