// What every route shares: the server's parts, replies in the Abaco envelope, the query
// string, and the checks each /actors/ request passes before anything else (credentials, then
// the actor id). Only the module's files include cpp-httplib.
#pragma once

#include "core/clock.hpp"
#include "core/query.hpp"
#include "server/auth.hpp"
#include "server/config.hpp"
#include "server/execution.hpp"
#include "server/metrics.hpp"
#include "server/request_log.hpp"
#include "server/storage_pool.hpp"
#include "server/writer.hpp"

#include <chrono>
#include <cstdint>
#include <httplib.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::server {

struct ServerContext {
    const ServeConfig& config;
    const Authenticator& auth;
    StoragePool& reads;
    Writer& writer;
    Metrics& metrics;
    RequestLog& log;
    const core::Clock& clock;
};

// The request being served on this thread, for its log line.
struct RequestNote {
    std::chrono::steady_clock::time_point start{};
    bool started = false;
    std::string detail; // added to the log line (execution id, outcome); never a secret
};
RequestNote& request_note();

// Sets status and the envelope (status "success" below 400, "error" from 400 on).
void reply(const ServerContext& ctx, httplib::Response& res, int status, std::string_view message,
           nlohmann::json result = nullptr);

Links links_for(const ServerContext& ctx, const httplib::Request& req);
// The URL's query parameters (never the body's); nothing when a %-escape is malformed.
std::optional<core::QueryParams> query_of(const httplib::Request& req);

// The actor id of an /actors/v2/<actorId>/… path; nothing for another path.
std::optional<std::string> actor_of(std::string_view path);

// Credentials (401: one Authorization header, or one x-nonce URL parameter, holding a value the
// server accepts), then the actor id (404): true when the request may go on; otherwise the
// refusal is written. Runs before any body is read or handled.
bool admit(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res);

// A request whose framing or encoding pjm serve refuses, with the HTTP status to answer.
struct RequestError : std::invalid_argument {
    RequestError(int status, const std::string& message)
        : std::invalid_argument(message), status(status) {}
    int status;
};

// The body a POST announces: its Content-Length; nothing when it is chunked; 0 when it has
// neither (a request without either has no body). Throws RequestError for framing that could
// be read two ways (a malformed Content-Length, two that differ, both Content-Length and
// Transfer-Encoding: 400) or that pjm cannot read (a transfer coding other than chunked: 501).
std::optional<std::uint64_t> announced_length(const httplib::Request& req);

// Throws RequestError (415) for a Content-Encoding the server cannot decode: only gzip,
// deflate, br and identity are read; any other would be taken as the bytes of the message.
void check_content_encoding(const httplib::Request& req);

// The refusal of a body over the limit (413).
std::string body_too_large(std::size_t max);

// too_large_unread: refused on its Content-Length before a byte was read (drop_body reads
// the rest); too_large: refused as it arrived (chunked, or compressed), and read to its end.
enum class BodyRead { ok, too_large_unread, too_large, unreadable };
// Reads the body of a content-reader route into `body`, never holding more than `max` bytes;
// a body over the limit is read to its end and dropped.
BodyRead read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                   std::size_t max, std::string& body);

// After a refusal written before the body was read: reads and drops whatever body the
// request carries (never holding it; not at all when its framing cannot be trusted or it
// announces more than 64 MiB), and closes the connection after the reply, so no byte of it
// is taken for the next request.
void drop_body(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader);

} // namespace pjm::server
