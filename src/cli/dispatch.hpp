// Where a built message goes: applied to the local database, shown (--dry-run), or sent to
// the manager. Commands that build messages end here, so the three paths stay in one place.
#pragma once

#include "core/handler.hpp"
#include "core/query.hpp"
#include "remote/abaco_client.hpp"
#include "remote/flush.hpp"

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace pjm::cli {

class Context;

// Returns the exit code.
int deliver(Context& ctx, const nlohmann::json& body, const core::QueryParams& query);
// Prints a handler outcome (local mode, `pjm handle`) and returns its exit code.
int report_outcome(Context& ctx, const core::Outcome& outcome);
// What became of one message sent to the manager, for a caller that reports it itself.
struct Sent {
    core::ErrorKind kind = core::ErrorKind::ok; // ok, a refusal (3-6), remote (7) or queued
    std::string message;      // the manager's reply, or why the message did not go
    std::string execution_id; // when the manager started one
    std::string queued_id;    // the outbox entry, when queued
    std::string outbox;       // the outbox folder, when queued
    std::string reason;       // why it was not delivered after the retries (kept or not)
};
// Sends one message as `pjm event` does (a fresh Idempotency-Key, the client's retries,
// --sync, --wait) and keeps what is still undeliverable after the retries in the outbox, or
// not with --no-outbox (kind remote). With `not_tried` set it does not try at all: the message
// is kept at once, with that reason. Prints nothing.
Sent send_quietly(Context& ctx, const remote::AbacoClient& client, const std::string& text,
                  const nlohmann::json& body, const std::string& not_tried = {});
// The hooks of a flush that sends each queued message to its own manager URL (or to
// `redirect` when set), with one client per URL kept in `clients`.
remote::FlushHooks flush_hooks(Context& ctx, std::map<std::string, remote::AbacoClient>& clients,
                               const std::string& redirect = {});
// What --dry-run shows of a request to the manager: its URL (credentials redacted, a nonce
// as x-nonce=<redacted>) and headers.
struct ShownRequest {
    std::string url;
    nlohmann::json headers;
};
ShownRequest shown_request(const Context& ctx, const core::QueryParams& query);
// The body with its token, if any, shown as <redacted>.
nlohmann::json redact_body(nlohmann::json body);
// The manager's messages URL from url, or tenant_url + actor_id; empty when unset.
std::string manager_url(const Context& ctx);

} // namespace pjm::cli
