// A client for a PipelineJobs manager behind the Abaco actors API
// (docs/protocol.md#transport-abaco-messages-api): messages, executions, and pjm serve's jobs
// routes. Builds requests and reads reply envelopes; the manager's rules stay in the manager.
#pragma once

#include "core/error.hpp"
#include "core/query.hpp"
#include "remote/http_client.hpp"
#include "remote/retry.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::remote {

struct Credentials {
    std::optional<std::string> bearer;      // Authorization: Bearer (Abaco v2)
    std::optional<std::string> nonce;       // x-nonce URL parameter, when neither header is set
    std::optional<std::string> tapis_token; // X-Tapis-Token (Tapis v3)
    // pjm serve's admin credential, sent as 'Authorization: Bearer' to its admin routes only
    // (docs/protocol.md#admin-routes).
    std::optional<std::string> admin;
};

struct Reply {
    core::ErrorKind kind = core::ErrorKind::ok;
    std::string message;   // the manager's message, or what went wrong on the way
    nlohmann::json result; // the envelope's result (null when none)
    long http_status = 0;
    std::string execution_id; // for a message: result.execution_id / executionId
    bool retryable = false;   // failed in a way a later attempt may overcome (queue it)
    // Refused before any message was handled: the manager turned away this sender (401, 403)
    // or has no such actor or route (404, 405), and said nothing about the message. Fixing
    // the configuration and flushing delivers it, so it is queued, not dropped
    // (docs/protocol.md#outbox).
    bool misconfigured = false;
    // Answered as a synchronous message is: `message` holds the execution's logs.
    bool synchronous = false;
    bool ok() const { return kind == core::ErrorKind::ok; }
};

// The exit-code kind for an HTTP status (docs/protocol.md#exit-codes): 401/403 → unauthorized,
// 404 → not_found, 400/413 → invalid, 409 → conflict, other failures → remote.
core::ErrorKind kind_for_status(long status);

// One message of a batch: as post_message() takes it.
struct BatchMessage {
    const std::string* body;
    const std::string* query; // the message's own query string
    const std::string* idempotency_key;
};

// What a batch request came back with (docs/protocol.md#message-batches).
struct BatchReply {
    // The manager has no batch route (an Abaco, an older pjm serve): send one by one.
    bool offered = true;
    // Set when the request failed as a whole (the network, a 5xx): nothing is known of any
    // message, as for one that got this reply.
    std::optional<Reply> failure;
    // The replies of the messages handled, in order; the rest were not handled (the manager
    // stops at the first message it does not accept).
    std::vector<Reply> replies;
};

class AbacoClient {
  public:
    // `messages_url` is the manager's full messages URL (…/actors/v2/<actorId>/messages).
    AbacoClient(std::string messages_url, Credentials credentials, HttpOptions options,
                RetryPolicy retry = {});

    // POSTs one message; `idempotency_key` stays the same across retries and outbox replays
    // so the manager applies the message once however often it arrives.
    Reply post_message(const std::string& body, const core::QueryParams& query,
                       const std::string& idempotency_key) const;
    // POSTs messages of one job in one request to pjm serve's batch route, which handles them
    // in order, each under its own key, and stops at the first one it does not accept.
    BatchReply post_batch(const std::vector<BatchMessage>& messages) const;
    Reply get_execution(const std::string& id) const;
    Reply get_execution_logs(const std::string& id) const;
    // `query`: the history page (history=, before=), as the jobs route reads it.
    Reply get_job(const std::string& uuid, const core::QueryParams& query) const;
    Reply list_jobs(const core::QueryParams& query) const;
    // pjm serve's admin routes: the pipelines (with the admin credential when there is one,
    // else the message credentials), registering one, and an admin token of the current window
    // (both with the admin credential).
    Reply list_pipelines() const;
    Reply add_pipeline(const nlohmann::json& pipeline) const;
    Reply admin_token() const;

    // The messages URL as configured, without credentials (x-nonce): what an outbox keeps.
    std::string messages_url_without_credentials() const;

  private:
    std::string url_for(const std::string& suffix, const core::QueryParams& query) const;
    Reply read_reply(const HttpResponse& r, const std::string& what) const;
    void refused_before_handling(Reply& reply) const;
    Reply get(const std::string& suffix, const core::QueryParams& query,
              const std::string& what) const;
    HttpResponse retrying(const std::function<HttpResponse()>& attempt) const;
    Headers headers() const;
    Headers admin_headers() const;
    Reply post(const std::string& suffix, const Headers& headers, const std::string& body,
               const std::string& what) const;

    std::string m_actor_url;        // …/actors/v2/<actorId>, no query
    core::QueryParams m_base_query; // parameters that came with the configured URL
    Credentials m_credentials;
    HttpClient m_http;
    RetryPolicy m_retry;
    std::function<void(const std::string&)> m_trace;
};

} // namespace pjm::remote
