// What every route shares: the server's parts, replies in the Abaco envelope, the query
// string, and the checks each /actors/ request passes before its body is read (credentials,
// then the actor id).
#pragma once

#include "core/clock.hpp"
#include "core/key_case.hpp"
#include "core/query.hpp"
#include "server/auth.hpp"
#include "server/config.hpp"
#include "server/execution.hpp"
#include "server/http_message.hpp"
#include "server/live_credentials.hpp"
#include "server/metrics.hpp"
#include "server/request_log.hpp"
#include "server/storage_pool.hpp"
#include "server/writer.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::server {

struct ServerContext {
    const ServeConfig& config;
    const LiveCredentials& auth;    // swapped whole on SIGHUP
    const core::AdminConfig& admin; // the admin secret in force (configured or the database's)
    StoragePool& reads;
    Writer& writer;
    Metrics& metrics;
    RequestLog& log;
    const core::Clock& clock;
};

// Sets status and the envelope (status "success" below 400, "error" from 400 on).
void reply(const ServerContext& ctx, Response& res, int status, std::string_view message,
           nlohmann::json result = nullptr);

Links links_for(const ServerContext& ctx, const Request& req);
// The URL's query parameters (never the body's); nothing when a %-escape is malformed.
std::optional<core::QueryParams> query_of(const Request& req);
// A URL parameter given twice reads two ways (which one would a proxy's cache key take?):
// the refusal, or "" when each of `keys` comes at most once.
std::string repeated_parameter(const core::QueryParams& query,
                               std::initializer_list<const char*> keys);

// The two trees of the actors API: Abaco v2's and Tapis v3's (docs/protocol.md#tapis-v3).
inline constexpr std::string_view k_v2_tree = "/actors/v2";
inline constexpr std::string_view k_v3_tree = "/v3/actors";

// A path under the actors API: its tree (k_v2_tree, k_v3_tree) and the actor id it names
// (empty for the tree itself, the list of actors).
struct ActorsPath {
    std::string tree;
    std::string actor;
};
// Nothing for a path outside the actors API (/healthz, /metrics).
std::optional<ActorsPath> actors_path(std::string_view path);

// Credentials (401: the tree's one credential, Authorization: Bearer under /actors/v2 or
// X-Tapis-Token under /v3/actors, or one x-nonce URL parameter, holding a value the server
// accepts), then the actor id when the path names one (404): true when the request may go on,
// with req.identity set; otherwise the refusal is written. Runs before any body is read.
// Who may use a route: senders of messages (bearer tokens, nonces, Tapis tokens), holders of
// the admin credential only, either of them, or (reads) senders and viewers.
enum class Access { credentials, admin, either, read };
bool admit(const ServerContext& ctx, Request& req, Response& res,
           Access access = Access::credentials);

// The key case of the server (--case) applied to an Abaco result (core/key_case.hpp).
nlohmann::json abaco_result(const ServerContext& ctx, nlohmann::json result);

} // namespace pjm::server
