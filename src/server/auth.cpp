#include "server/auth.hpp"

#include "core/hash.hpp"
#include "core/token.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pjm::server {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

using Digest = std::array<std::uint8_t, 32>;

std::vector<Digest> digests(const std::vector<std::string>& values) {
    std::vector<Digest> out;
    for (const auto& v : values)
        out.push_back(core::sha256(v));
    return out;
}

// Compares the digest of `presented` with every accepted one, without stopping at the first
// match, so the time taken does not tell which (or whether one) matched.
// The 1-based position of `presented` among the accepted values; 0 when it is none of them.
// Every value is compared, whichever matches.
std::size_t position_of(const std::vector<Digest>& accepted, std::string_view presented) {
    Digest d = core::sha256(presented);
    std::string_view mine(reinterpret_cast<const char*>(d.data()), d.size());
    std::size_t found = 0;
    for (std::size_t i = 0; i < accepted.size(); ++i) {
        bool equal = core::constant_time_equal(
            std::string_view(reinterpret_cast<const char*>(accepted[i].data()), accepted[i].size()),
            mine);
        found = equal ? i + 1 : found;
    }
    return found;
}

std::vector<std::string> read_values(const std::string& path, const char* what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw std::invalid_argument(std::string(what) + " " + path + " is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(std::string("cannot read ") + what + " " + path);
    std::ostringstream text;
    text << in.rdbuf();
    auto values = parse_secret_lines(text.str());
    if (values.empty())
        throw std::invalid_argument(std::string(what) + " " + path +
                                    " holds no value (one accepted value a line)");
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i].size() < k_min_secret_length)
            throw std::invalid_argument(
                std::string(what) + " " + path + ": value " + std::to_string(i + 1) + " has " +
                std::to_string(values[i].size()) + " characters; at least " +
                std::to_string(k_min_secret_length) +
                " are needed so it cannot be guessed (make one with: openssl rand -hex 16)");
    return values;
}

// The token of an "Authorization: Bearer <token>" header; nothing for another scheme.
std::optional<std::string> bearer_of(std::string_view header) {
    while (!header.empty() && is_space(header.front()))
        header.remove_prefix(1);
    constexpr std::string_view scheme = "bearer";
    if (header.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
    if (!is_space(header[scheme.size()])) return std::nullopt;
    header.remove_prefix(scheme.size());
    while (!header.empty() && is_space(header.front()))
        header.remove_prefix(1);
    while (!header.empty() && is_space(header.back()))
        header.remove_suffix(1);
    if (header.empty()) return std::nullopt;
    return std::string(header);
}

// The password of an "Authorization: Basic <base64 of user:password>" header, which senders
// that speak no other scheme use (Nextflow's weblog.basicToken): a bearer token as the
// password is taken as that bearer token, whatever the user. Nothing for another scheme or a
// malformed credential.
std::optional<std::string> basic_password_of(std::string_view header) {
    while (!header.empty() && is_space(header.front()))
        header.remove_prefix(1);
    constexpr std::string_view scheme = "basic";
    if (header.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
    if (!is_space(header[scheme.size()])) return std::nullopt;
    header.remove_prefix(scheme.size());
    while (!header.empty() && is_space(header.front()))
        header.remove_prefix(1);
    while (!header.empty() && is_space(header.back()))
        header.remove_suffix(1);
    auto decoded = core::base64_decode(header);
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos || colon + 1 == decoded->size()) return std::nullopt;
    return decoded->substr(colon + 1);
}

} // namespace

std::vector<std::string> parse_secret_lines(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        while (!line.empty() && is_space(line.front()))
            line.remove_prefix(1);
        while (!line.empty() && is_space(line.back()))
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        out.emplace_back(line);
    }
    return out;
}

Authenticator::Authenticator(std::vector<std::string> bearers, std::vector<std::string> nonces,
                             bool no_auth)
    : m_bearers(digests(bearers)), m_nonces(digests(nonces)), m_no_auth(no_auth) {}

Authenticator Authenticator::from_sources(const CredentialSources& c) {
    std::vector<std::string> bearers, nonces, tapis_tokens;
    if (c.bearer_file) bearers = read_values(*c.bearer_file, "bearer file");
    if (c.nonce_file) nonces = read_values(*c.nonce_file, "nonce file");
    if (c.tapis_token_file) tapis_tokens = read_values(*c.tapis_token_file, "Tapis token file");
    Authenticator a(std::move(bearers), std::move(nonces), c.no_auth);
    a.m_tapis_tokens = digests(tapis_tokens);
    if (c.admin_credential_file)
        a.m_admins = digests(read_values(*c.admin_credential_file, "admin credential file"));
    if (c.viewer_credential_file)
        a.m_viewers = digests(read_values(*c.viewer_credential_file, "viewer credential file"));
    if (c.tapis_public_key)
        a.m_jwt = JwtVerifier::from_pem_file(*c.tapis_public_key, c.tapis_tenants, c.tapis_users);
    return a;
}

AuthResult Authenticator::check(const Presented& p, std::int64_t now_s) const {
    if (m_no_auth) return {AuthStatus::ok, {}, "anonymous"};
    return p.v3 ? check_v3(p, now_s) : check_v2(p);
}

namespace {

AuthResult refused(std::string why) {
    return {AuthStatus::refused, "not authorized: " + std::move(why), {}};
}

} // namespace

AuthResult Authenticator::check_v2(const Presented& p) const {
    if (p.tapis_token)
        return refused("X-Tapis-Token is the Tapis v3 credential: send it to /v3/actors/…; "
                       "under /actors/v2 send 'Authorization: Bearer <token>' or x-nonce");
    std::optional<std::string> bearer =
        p.authorization ? bearer_of(*p.authorization) : std::nullopt;
    if (!bearer && p.authorization) bearer = basic_password_of(*p.authorization);
    std::size_t bearer_at = bearer ? position_of(m_bearers, *bearer) : 0;
    std::size_t nonce_at = p.nonce ? position_of(m_nonces, *p.nonce) : 0;
    if (bearer_at) return {AuthStatus::ok, {}, "bearer-" + std::to_string(bearer_at)};
    if (nonce_at) return {AuthStatus::ok, {}, "nonce-" + std::to_string(nonce_at)};
    if (!p.authorization && !p.nonce)
        return {AuthStatus::missing,
                "no credentials: send 'Authorization: Bearer <token>' or the x-nonce URL "
                "parameter",
                {}};
    std::string why;
    if (p.authorization && !bearer)
        why = "the Authorization header is neither 'Bearer <token>' nor 'Basic' credentials "
              "with a bearer token as the password";
    else if (bearer)
        why = m_bearers.empty() ? "this manager accepts no bearer tokens" : "unknown bearer token";
    if (p.nonce) {
        if (!why.empty()) why += "; ";
        why += m_nonces.empty() ? "this manager accepts no nonces" : "unknown nonce";
    }
    return refused(why);
}

AuthResult Authenticator::check_admin(const Presented& p) const {
    if (m_admins.empty())
        return refused("the admin routes are closed: this manager has no admin credential "
                       "(start pjm serve with --admin-credential-file FILE)");
    std::optional<std::string> bearer =
        p.authorization ? bearer_of(*p.authorization) : std::nullopt;
    if (!bearer)
        return {AuthStatus::missing,
                "no admin credential: send it as 'Authorization: Bearer <credential>' (pjm reads "
                "it from PJM_ADMIN_CREDENTIAL or admin_credential_file)",
                {}};
    if (std::size_t at = position_of(m_admins, *bearer))
        return {AuthStatus::ok, {}, "admin-" + std::to_string(at)};
    return refused("unknown admin credential");
}

AuthResult Authenticator::check_viewer(const Presented& p) const {
    std::optional<std::string> bearer =
        p.authorization ? bearer_of(*p.authorization) : std::nullopt;
    if (bearer && !m_viewers.empty())
        if (std::size_t at = position_of(m_viewers, *bearer))
            return {AuthStatus::ok, {}, "viewer-" + std::to_string(at)};
    return refused("not a viewer credential");
}

AuthResult Authenticator::check_v3(const Presented& p, std::int64_t now_s) const {
    if (p.authorization)
        return refused("under /v3/actors the credential is the X-Tapis-Token header (or "
                       "x-nonce); 'Authorization' is Abaco v2's: send it to /actors/v2/…");
    if (p.tapis_token) {
        if (std::size_t at = position_of(m_tapis_tokens, *p.tapis_token))
            return {AuthStatus::ok, {}, "tapis-token-" + std::to_string(at)};
        if (m_jwt) {
            JwtVerdict v = m_jwt->verify(*p.tapis_token, now_s);
            if (v.ok) return {AuthStatus::ok, {}, v.username};
            return {AuthStatus::refused, v.why, {}};
        }
        return refused(m_tapis_tokens.empty()
                           ? "this manager accepts no Tapis tokens (it has neither a Tapis "
                             "token file nor a tenant's public key)"
                           : "unknown Tapis token");
    }
    if (p.nonce) {
        if (std::size_t at = position_of(m_nonces, *p.nonce))
            return {AuthStatus::ok, {}, "nonce-" + std::to_string(at)};
        return refused(m_nonces.empty() ? "this manager accepts no nonces" : "unknown nonce");
    }
    return {AuthStatus::missing,
            "no credentials: send the X-Tapis-Token header or the x-nonce URL parameter",
            {}};
}

} // namespace pjm::server
