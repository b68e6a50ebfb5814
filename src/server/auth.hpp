// Transport credentials of pjm serve: the bearer tokens and nonces it accepts, read one a line
// from their files, and the check every /actors/ request passes before its body is read
// (docs/protocol.md#pjm-serve-routes-and-http-statuses). Secrets are compared in constant time
// and never appear in a message.
#pragma once

#include "server/tapis_jwt.hpp"

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

// What a request presents, and where: the API tree decides which header is the credential
// (Authorization: Bearer under /actors/v2, X-Tapis-Token under /v3/actors; x-nonce in both).
struct Presented {
    bool v3 = false;
    std::optional<std::string> authorization; // the Authorization header
    std::optional<std::string> tapis_token;   // the X-Tapis-Token header
    std::optional<std::string> nonce;         // the x-nonce URL parameter
};

// Where the credentials pjm serve accepts come from (each may be absent).
struct CredentialSources {
    std::optional<std::string> bearer_file;
    std::optional<std::string> nonce_file;
    std::optional<std::string> tapis_token_file;
    std::optional<std::string> tapis_public_key; // a PEM file: Tapis JWTs signed by the tenant
    std::vector<std::string> tapis_tenants;      // admitted tenants (empty: any)
    std::vector<std::string> tapis_users;        // admitted users (empty: any)
    bool no_auth = false;
    // The admin credentials: the only way into the admin routes (docs/protocol.md#admin-routes).
    std::optional<std::string> admin_credential_file;
    // Read-only credentials (the dashboard's viewers): open the GET routes only.
    std::optional<std::string> viewer_credential_file;
};

class Authenticator {
  public:
    // No values and `no_auth` false: nothing is accepted.
    Authenticator(std::vector<std::string> bearers, std::vector<std::string> nonces, bool no_auth);

    // Reads the files. Throws std::invalid_argument with a printable message when a file
    // cannot be read, holds no value, or holds one shorter than k_min_secret_length, or when
    // the public key file holds no RSA public key.
    static Authenticator from_sources(const CredentialSources& sources);

    // Accepted when the credential presented for the request's tree is one of the accepted
    // values (or a Tapis JWT the key verifies at `now_s`); the other tree's header is refused
    // with a message that says where it belongs.
    AuthResult check(const Presented& presented, std::int64_t now_s) const;
    // The admin routes: 'Authorization: Bearer <admin credential>' on either tree, one of the
    // admin credential file's values; --no-auth does not open them. Identity "admin-N".
    AuthResult check_admin(const Presented& presented) const;
    // The read routes also take a viewer credential: 'Authorization: Bearer <viewer
    // credential>' on either tree, one of the viewer credential file's values. Identity
    // "viewer-N". Refused (never missing) when there are none, so the caller's own refusal
    // stands.
    AuthResult check_viewer(const Presented& presented) const;
    std::size_t viewer_count() const { return m_viewers.size(); }

    bool open() const { return m_no_auth; }
    std::size_t bearer_count() const { return m_bearers.size(); }
    std::size_t nonce_count() const { return m_nonces.size(); }
    std::size_t tapis_token_count() const { return m_tapis_tokens.size(); }
    bool verifies_jwts() const { return m_jwt.has_value(); }
    std::size_t admin_count() const { return m_admins.size(); }

  private:
    using Digest = std::array<std::uint8_t, 32>;
    AuthResult check_v2(const Presented& p) const;
    AuthResult check_v3(const Presented& p, std::int64_t now_s) const;
    // SHA-256 of each accepted value: what is presented is hashed, then compared with each in
    // constant time over the same 32 bytes, so neither the match nor a value's length shows in
    // the time taken.
    std::vector<Digest> m_bearers;
    std::vector<Digest> m_nonces;
    std::vector<Digest> m_tapis_tokens;
    std::vector<Digest> m_admins;
    std::vector<Digest> m_viewers;
    std::optional<JwtVerifier> m_jwt;
    bool m_no_auth = false;
};

} // namespace pjm::server
