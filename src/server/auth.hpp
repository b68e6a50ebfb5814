// Transport credentials of pjm serve: the bearer tokens and nonces it accepts, read one a line
// from their files, and the check every /actors/ request passes before its body is read
// (docs/protocol.md#pjm-serve-routes-and-http-statuses). Secrets are compared in constant time
// and never appear in a message.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::server {

// The values of a credentials file: one a line; surrounding spaces, tabs and CRs are dropped,
// blank lines and lines starting with '#' are skipped.
std::vector<std::string> parse_secret_lines(std::string_view text);

// The shortest bearer token or nonce pjm serve starts with: anything shorter could be guessed
// (docs/http.md#credentials).
inline constexpr std::size_t k_min_secret_length = 16;

enum class AuthStatus { ok, missing, refused };

struct AuthResult {
    AuthStatus status = AuthStatus::ok;
    std::string message; // why, for the 401 reply; never holds a secret
    // Who was admitted, named without its secret: "bearer-N" (the Nth value of the bearer
    // file), "nonce-N", or "anonymous" (--no-auth). An execution's executor.
    std::string identity;
    bool ok() const { return status == AuthStatus::ok; }
};

class Authenticator {
  public:
    // No values and `no_auth` false: nothing is accepted.
    Authenticator(std::vector<std::string> bearers, std::vector<std::string> nonces, bool no_auth);

    // Reads the files (either may be absent). Throws std::invalid_argument with a printable
    // message when a file cannot be read, holds no value, or holds one shorter than
    // k_min_secret_length.
    static Authenticator from_files(const std::optional<std::string>& bearer_file,
                                    const std::optional<std::string>& nonce_file, bool no_auth);

    // `authorization`: the Authorization header (absent: nothing); `nonce`: the x-nonce URL
    // parameter. Accepted when any credential presented is one of the accepted values.
    AuthResult check(const std::optional<std::string>& authorization,
                     const std::optional<std::string>& nonce) const;

    bool open() const { return m_no_auth; }
    std::size_t bearer_count() const { return m_bearers.size(); }
    std::size_t nonce_count() const { return m_nonces.size(); }

  private:
    using Digest = std::array<std::uint8_t, 32>;
    // SHA-256 of each accepted value: what is presented is hashed, then compared with each in
    // constant time over the same 32 bytes, so neither the match nor a value's length shows in
    // the time taken.
    std::vector<Digest> m_bearers;
    std::vector<Digest> m_nonces;
    bool m_no_auth = false;
};

} // namespace pjm::server
