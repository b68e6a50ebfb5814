// Tapis v3 access tokens (docs/protocol.md#tapis-v3): a JWT in the X-Tapis-Token header,
// signed by the tenant with RS256. pjm serve checks the signature against the tenant's public
// key (PEM, as the Tapis tenants service publishes it), the expiry, and optionally which
// tenants and users it admits. The RSA check is OpenSSL's; nothing here is cryptography.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::server {

struct JwtVerdict {
    bool ok = false;
    std::string why;      // for the 401: what is wrong with the token, never the token
    std::string username; // tapis/username
    std::string tenant;   // tapis/tenant_id
};

class JwtVerifier {
  public:
    // Reads the public key (a PEM "PUBLIC KEY" or "RSA PUBLIC KEY"); empty allow-lists admit
    // every tenant or user. Throws std::invalid_argument with a printable message when the
    // file cannot be read or holds no RSA public key.
    static JwtVerifier from_pem_file(const std::string& path, std::vector<std::string> tenants,
                                     std::vector<std::string> users);
    // The same from the PEM text (tests).
    static JwtVerifier from_pem(std::string_view pem, std::vector<std::string> tenants,
                                std::vector<std::string> users);

    // Checks `token` at `now_s` (seconds since the epoch): three base64url parts, a header
    // with "alg": "RS256", a valid signature, "exp" in the future ("nbf", when given, not),
    // string claims tapis/tenant_id and tapis/username, each on the allow-list when there is
    // one.
    JwtVerdict verify(std::string_view token, std::int64_t now_s) const;

  private:
    struct Key;
    JwtVerifier(std::shared_ptr<Key> key, std::vector<std::string> tenants,
                std::vector<std::string> users);
    std::shared_ptr<Key> m_key;
    std::vector<std::string> m_tenants;
    std::vector<std::string> m_users;
};

} // namespace pjm::server
