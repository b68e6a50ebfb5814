#include "core/token.hpp"

#include "core/hash.hpp"
#include "core/random.hpp"

namespace pjm::core {

std::string new_salt() {
    auto b = random_bytes(16);
    return base64(b.data(), b.size());
}

std::string job_token(std::string_view salt, std::string_view job_uuid) {
    std::string msg;
    msg.reserve(salt.size() + 1 + job_uuid.size());
    msg.append(salt).push_back(':');
    msg.append(job_uuid);
    return sha256_hex(msg).substr(0, 16);
}

namespace {
std::int64_t window(const AdminConfig& cfg, std::int64_t unix_time) {
    std::int64_t lifetime = cfg.lifetime > 0 ? cfg.lifetime : k_default_admin_lifetime;
    std::int64_t w = unix_time / lifetime;
    if (unix_time < 0 && unix_time % lifetime != 0) --w; // floor, not truncation
    return w;
}
} // namespace

std::string admin_token(const AdminConfig& cfg, std::int64_t unix_time) {
    std::string msg = cfg.secret + ":" + cfg.key;
    for (char digit : std::to_string(window(cfg, unix_time))) {
        msg.push_back(':');
        msg.push_back(digit);
    }
    return sha256_hex(msg).substr(0, 16);
}

std::int64_t admin_token_expires(const AdminConfig& cfg, std::int64_t unix_time) {
    std::int64_t lifetime = cfg.lifetime > 0 ? cfg.lifetime : k_default_admin_lifetime;
    return (window(cfg, unix_time) + 1) * lifetime;
}

bool admin_token_valid(const AdminConfig& cfg, std::string_view presented, std::int64_t unix_time) {
    if (cfg.secret.empty()) return false;
    std::int64_t lifetime = cfg.lifetime > 0 ? cfg.lifetime : k_default_admin_lifetime;
    // Evaluate both windows unconditionally so timing does not say which one matched.
    bool now = constant_time_equal(presented, admin_token(cfg, unix_time));
    bool before = constant_time_equal(presented, admin_token(cfg, unix_time - lifetime));
    return now | before;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Length is not secret (tokens are fixed-width); the content comparison is.
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace pjm::core
