#include "server/config.hpp"

#include "core/clock.hpp"
#include "core/timefmt.hpp"
#include "server/execution.hpp"
#include "store/execution_log.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include <vector>

namespace pjm::server {

namespace {

// --cloudevents-map FILE, read and checked whole: a mistake stops pjm serve before it starts.
core::CloudEventsMap cloudevents_map_from(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("--cloudevents-map " + path + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded())
        throw std::invalid_argument("--cloudevents-map " + path + ": not valid JSON");
    try {
        return core::parse_cloudevents_map(doc);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("--cloudevents-map " + path + ": " + e.what());
    }
}

std::optional<std::string> optional_text(const char* s) {
    if (!s || !*s) return std::nullopt;
    return std::string(s);
}

// The user this process runs as ("uid-N" when the password database does not name it).
std::string user_name() {
    uid_t uid = geteuid();
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_name && *found->pw_name)
        return found->pw_name;
    return "uid-" + std::to_string(uid);
}

// "a,b" → {"a", "b"}, blanks dropped; NULL or "" → {}.
std::vector<std::string> comma_list(const char* s) {
    std::vector<std::string> out;
    std::string item;
    for (const char* p = s ? s : "";; ++p) {
        if (*p == ',' || *p == '\0') {
            if (!item.empty()) out.push_back(item);
            item.clear();
            if (*p == '\0') break;
        } else if (*p != ' ') {
            item += *p;
        }
    }
    return out;
}

} // namespace

bool valid_actor_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

ServeConfig config_from(const pjm_serve_options& o) {
    ServeConfig c;
    auto listen = parse_listen(o.listen ? o.listen : "");
    if (!listen)
        throw std::invalid_argument(std::string("--listen '") + (o.listen ? o.listen : "") +
                                    "' is not ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
    c.listen = *listen;
    if (!o.database_url || !*o.database_url) throw std::invalid_argument("no database given");
    c.database_url = o.database_url;
    c.actor_id = o.actor_id ? o.actor_id : "";
    if (!valid_actor_id(c.actor_id))
        throw std::invalid_argument("actor id '" + c.actor_id +
                                    "' is not 1 to 64 letters, digits, '.', '_' or '-'");
    c.bearer_file = optional_text(o.bearer_file);
    c.nonce_file = optional_text(o.nonce_file);
    c.tapis_token_file = optional_text(o.tapis_token_file);
    c.tapis_public_key = optional_text(o.tapis_public_key);
    c.tapis_tenants = comma_list(o.tapis_tenants);
    c.tapis_users = comma_list(o.tapis_users);
    c.no_auth = o.no_auth != 0;
    c.admin_credential_file = optional_text(o.admin_credential_file);
    c.viewer_credential_file = optional_text(o.viewer_credential_file);
    c.ui = o.no_ui == 0;
    if (o.keep_executions_s < 0 ||
        (o.keep_executions_s > 0 && o.keep_executions_s < store::k_min_execution_retention_s))
        throw std::invalid_argument("--keep-executions must be at least 7 days: an execution is "
                                    "what answers a repeated Idempotency-Key");
    c.keep_executions_s = o.keep_executions_s;
    if (o.cloudevents_map) c.cloudevents = cloudevents_map_from(o.cloudevents_map);
    c.jobcomp_from = comma_list(o.jobcomp_from);
    for (const std::string& a : c.jobcomp_from) {
        unsigned char buf[16];
        if (inet_pton(AF_INET, a.c_str(), buf) != 1 && inet_pton(AF_INET6, a.c_str(), buf) != 1)
            throw std::invalid_argument("--jobcomp-from '" + a +
                                        "' is not an IP address: give slurmctld's address as "
                                        "the manager sees it (127.0.0.1 on the same host)");
    }
    c.tls_cert = optional_text(o.tls_cert);
    c.tls_key = optional_text(o.tls_key);
    if (c.tls_cert.has_value() != c.tls_key.has_value())
        throw std::invalid_argument("HTTPS needs both --tls-cert FILE (the certificate chain) "
                                    "and --tls-key FILE (its private key)");
    if (!c.bearer_file && !c.nonce_file && !c.tapis_token_file && !c.tapis_public_key && !c.no_auth)
        throw std::invalid_argument("no credentials to check: give --bearer-file, --nonce-file, "
                                    "--tapis-token-file and/or --tapis-public-key, or --no-auth "
                                    "to accept every request");
    if ((!c.tapis_tenants.empty() || !c.tapis_users.empty()) && !c.tapis_public_key)
        throw std::invalid_argument("--tapis-tenant and --tapis-user restrict the Tapis JWTs "
                                    "accepted: give the tenant's key with --tapis-public-key");
    c.max_body = o.max_body == 0 ? k_default_max_body : static_cast<std::size_t>(o.max_body);
    c.secret_from_database = o.admin_secret == nullptr;
    c.handler.admin.secret = o.admin_secret ? o.admin_secret : "";
    if (o.admin_key && *o.admin_key) c.handler.admin.key = o.admin_key;
    if (o.admin_lifetime > 0) c.handler.admin.lifetime = o.admin_lifetime;
    if (o.uuid_domain && *o.uuid_domain) c.handler.uuid_domain = o.uuid_domain;
    std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    // Connections hold no thread while they wait (docs/http.md): threads only read, handle and
    // write, and a message waiting for its commit holds none, so a few per core do. On two
    // cores 6 threads served more than 4 (reads 45,000/s against 42,000) and than 8 (the same
    // reads, a longer tail); BENCHMARKS.md.
    if (o.threads > static_cast<int>(k_max_threads))
        throw std::invalid_argument("--threads " + std::to_string(o.threads) + " is over " +
                                    std::to_string(k_max_threads) +
                                    ": threads only handle requests, connections do not hold "
                                    "them; a few per core is plenty");
    c.threads = o.threads > 0 ? static_cast<std::size_t>(o.threads)
                              : std::clamp<std::size_t>(3 * cores, 4, 64);
    // A read connection for each thread: no thread waits for another's.
    c.read_threads = c.threads;
    c.verbose = o.verbose;
    c.version = o.version ? o.version : "";
    if (o.key_case && *o.key_case) {
        auto key_case = core::parse_key_case(o.key_case);
        if (!key_case)
            throw std::invalid_argument(std::string("--case '") + o.key_case +
                                        "' is not snake, camel or both");
        c.key_case = *key_case;
    }
    c.owner = user_name();
    c.worker_id = new_execution_id();
    c.started = core::rfc3339_ms(core::SystemClock().now_ms());
    return c;
}

} // namespace pjm::server
