#include "core/hash.hpp"

#include <nettle/base64.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

namespace pjm::core {

namespace {
const std::uint8_t* bytes(std::string_view s) {
    return reinterpret_cast<const std::uint8_t*>(s.data());
}
} // namespace

std::array<std::uint8_t, 16> md5(std::string_view data) {
    md5_ctx ctx;
    md5_init(&ctx);
    md5_update(&ctx, data.size(), bytes(data));
    std::array<std::uint8_t, 16> out{};
    md5_digest(&ctx, out.size(), out.data());
    return out;
}

std::array<std::uint8_t, 20> sha1(std::string_view data) {
    sha1_ctx ctx;
    sha1_init(&ctx);
    sha1_update(&ctx, data.size(), bytes(data));
    std::array<std::uint8_t, 20> out{};
    sha1_digest(&ctx, out.size(), out.data());
    return out;
}

std::array<std::uint8_t, 32> sha256(std::string_view data) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data.size(), bytes(data));
    std::array<std::uint8_t, 32> out{};
    sha256_digest(&ctx, out.size(), out.data());
    return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(k_digits[data[i] >> 4]);
        out.push_back(k_digits[data[i] & 0xf]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    return to_hex(sha256(data));
}

std::string base64(const std::uint8_t* data, std::size_t size) {
    std::string out(BASE64_ENCODE_RAW_LENGTH(size), '\0');
    base64_encode_raw(reinterpret_cast<char*>(out.data()), size, data);
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1 || text.find('=') != std::string_view::npos) return std::nullopt;
    std::string padded(text);
    padded.append((4 - padded.size() % 4) % 4, '=');
    base64_decode_ctx ctx;
    base64url_decode_init(&ctx);
    std::string out(BASE64_DECODE_LENGTH(padded.size()), '\0');
    std::size_t length = out.size();
    if (!base64_decode_update(&ctx, &length, reinterpret_cast<std::uint8_t*>(out.data()),
                              padded.size(), padded.data()) ||
        !base64_decode_final(&ctx))
        return std::nullopt;
    out.resize(length);
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    std::string out(BASE64_DECODE_LENGTH(text.size()), '\0');
    std::size_t length = out.size();
    if (!base64_decode_update(&ctx, &length, reinterpret_cast<std::uint8_t*>(out.data()),
                              text.size(), text.data()) ||
        !base64_decode_final(&ctx))
        return std::nullopt;
    out.resize(length);
    return out;
}

} // namespace pjm::core
