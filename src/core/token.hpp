// Job tokens and time-windowed admin tokens (docs/protocol.md#tokens), compared in constant time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pjm::core {

inline constexpr std::int64_t k_default_admin_lifetime = 3600;
// The longest admin token window accepted: a year.
inline constexpr std::int64_t k_max_admin_lifetime = 366 * 24 * 3600;
inline constexpr std::string_view k_default_admin_key = "pjm";

// A fresh per-job salt: 16 random bytes, base64.
std::string new_salt();
// First 16 hex characters of SHA-256 over "salt:uuid".
std::string job_token(std::string_view salt, std::string_view job_uuid);

struct AdminConfig {
    std::string secret; // empty: admin tokens are never valid
    std::string key = std::string(k_default_admin_key);
    std::int64_t lifetime = k_default_admin_lifetime;
};

// The admin token of the window that contains `unix_time`.
std::string admin_token(const AdminConfig& cfg, std::int64_t unix_time);
// Unix time at which the window containing `unix_time` ends.
std::int64_t admin_token_expires(const AdminConfig& cfg, std::int64_t unix_time);
// Valid in the current or the previous window.
bool admin_token_valid(const AdminConfig& cfg, std::string_view presented, std::int64_t unix_time);

bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace pjm::core
