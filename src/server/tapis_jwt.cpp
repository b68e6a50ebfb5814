#include "server/tapis_jwt.hpp"

#include "core/hash.hpp"

#include <algorithm>
#include <fstream>
#include <openssl/core_dispatch.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace pjm::server {

struct JwtVerifier::Key {
    EVP_PKEY* pkey = nullptr;
    ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

// The largest token looked at: a Tapis JWT is about 1 KiB.
constexpr std::size_t k_max_token = 16 * 1024;

// An RSA public key from PEM text: SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#1 ("RSA
// PUBLIC KEY"); nullptr when there is none.
EVP_PKEY* read_public_key(std::string_view pem) {
    EVP_PKEY* key = nullptr;
    OSSL_DECODER_CTX* decoder = OSSL_DECODER_CTX_new_for_pkey(
        &key, "PEM", nullptr, "RSA", OSSL_KEYMGMT_SELECT_PUBLIC_KEY, nullptr, nullptr);
    if (!decoder) return nullptr;
    const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
    std::size_t size = pem.size();
    if (OSSL_DECODER_from_data(decoder, &data, &size) != 1) key = nullptr;
    OSSL_DECODER_CTX_free(decoder);
    if (key && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        key = nullptr;
    }
    return key;
}

bool signature_valid(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return false;
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size(),
                               reinterpret_cast<const unsigned char*>(signed_part.data()),
                               signed_part.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

JwtVerdict refused(std::string why) {
    return {false, "not authorized: X-Tapis-Token " + std::move(why), {}, {}};
}

std::optional<nlohmann::json> json_part(std::string_view part) {
    auto bytes = core::base64url_decode(part);
    if (!bytes) return std::nullopt;
    auto doc = nlohmann::json::parse(*bytes, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    return doc;
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

JwtVerifier::JwtVerifier(std::shared_ptr<Key> key, std::vector<std::string> tenants,
                         std::vector<std::string> users)
    : m_key(std::move(key)), m_tenants(std::move(tenants)), m_users(std::move(users)) {}

JwtVerifier JwtVerifier::from_pem(std::string_view pem, std::vector<std::string> tenants,
                                  std::vector<std::string> users) {
    auto key = std::make_shared<Key>();
    key->pkey = read_public_key(pem);
    if (!key->pkey)
        throw std::invalid_argument("holds no RSA public key in PEM form (-----BEGIN PUBLIC "
                                    "KEY-----, as the Tapis tenants service publishes it)");
    return JwtVerifier(std::move(key), std::move(tenants), std::move(users));
}

JwtVerifier JwtVerifier::from_pem_file(const std::string& path, std::vector<std::string> tenants,
                                       std::vector<std::string> users) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read the Tapis public key file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return from_pem(text.str(), std::move(tenants), std::move(users));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("the Tapis public key file " + path + " " + e.what());
    }
}

JwtVerdict JwtVerifier::verify(std::string_view token, std::int64_t now_s) const {
    if (token.size() > k_max_token) return refused("is too long to be a Tapis token");
    auto first = token.find('.');
    auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return refused("is not a JWT (three base64url parts joined by '.')");
    auto header = json_part(token.substr(0, first));
    auto claims = json_part(token.substr(first + 1, second - first - 1));
    auto signature = core::base64url_decode(token.substr(second + 1));
    if (!header || !claims || !signature) return refused("is not a JWT: a part is malformed");
    auto alg = header->find("alg");
    if (alg == header->end() || *alg != "RS256")
        return refused("is not signed with RS256 (its header says alg " +
                       (alg == header->end() ? std::string("nothing") : alg->dump()) + ")");
    if (!signature_valid(m_key->pkey, token.substr(0, second), *signature))
        return refused("has a signature the tenant's public key does not verify");
    auto exp = claims->find("exp");
    if (exp == claims->end() || !exp->is_number()) return refused("has no expiry (exp)");
    if (exp->get<double>() <= static_cast<double>(now_s)) return refused("has expired");
    if (auto nbf = claims->find("nbf"); nbf != claims->end())
        if (!nbf->is_number() || nbf->get<double>() > static_cast<double>(now_s))
            return refused("is not valid yet (nbf)");
    auto text_claim = [&](const char* name) -> std::string {
        auto it = claims->find(name);
        return it != claims->end() && it->is_string() ? it->get<std::string>() : "";
    };
    std::string tenant = text_claim("tapis/tenant_id"), user = text_claim("tapis/username");
    if (tenant.empty() || user.empty())
        return refused("lacks the claims tapis/tenant_id and tapis/username");
    if (!listed(m_tenants, tenant)) return refused("is for a tenant this manager does not admit");
    if (!listed(m_users, user)) return refused("is for a user this manager does not admit");
    return {true, "", user, tenant};
}

} // namespace pjm::server
