// Executions (docs/protocol.md#executions): every message pjm serve handles is one, recorded
// with the handler's outcome, and read back through GET …/executions/<id> and …/logs. Pure
// functions: ids, the record made from an outcome, and the documents the routes send.
#pragma once

#include "core/handler.hpp"
#include "core/message.hpp"
#include "store/execution_log.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::server {

// Where the reply's _links point: "http://host:port", the API tree the request came in on
// ("/actors/v2"), and the actor's id.
struct Links {
    std::string base;
    std::string tree = "/actors/v2";
    std::string actor_id;
    std::string owner; // the actor's owner
    std::string actors() const { return base + tree; }
    std::string actor() const { return actors() + "/" + actor_id; }
    // A user's profile, as Abaco (v2) and Tapis (v3) link an owner or executor.
    std::string profile(const std::string& user) const {
        return base + (tree == "/v3/actors" ? "/v3/oauth2/profiles/" : "/profiles/v2/") + user;
    }
};

// A new execution id: 16 characters of [0-9A-Za-z], the time in milliseconds (7 characters,
// so that ids sort in the order they were made, to a millisecond) then 9 random ones.
std::string new_execution_id();
// Whether `id` could be an execution id (what GET routes accept before asking the database).
bool plausible_execution_id(std::string_view id);

// Idempotency-Key (docs/protocol.md#idempotency): a request with a key seen before gets the
// reply of the message first sent with it, and changes nothing. The execution id is derived
// from the actor and the key (16 characters of [0-9A-Za-z], which do not reveal the key), so
// the execution recorded for the first message is what a repeat finds.
bool valid_idempotency_key(std::string_view key); // 1 to 255 printable ASCII characters
std::string idempotent_execution_id(std::string_view actor_id, std::string_view key);
// The outcome an execution recorded: kind (from its exit code), message (its log), kind of
// message. The job and a create's token are not in it.
core::Outcome outcome_of(const store::Execution& execution);

// The execution of a handled message: status COMPLETE, exit code of the outcome, its times,
// and the outcome's message as its log. `message` is the classified message (nothing when the
// body was refused before classification).
store::Execution make_execution(std::string id, std::string actor_id, const core::Outcome& outcome,
                                const std::optional<core::Message>& message, std::int64_t start_ms,
                                std::int64_t end_ms);

// The result of a POST …/messages reply: execution_id, msg (the body as received), _links
// (self: the execution, owner, messages), plus what pjm did: exit_code, outcome (error kind
// name), kind (message kind), and for an accepted message the job (without history) and, for
// a create, its token.
nlohmann::json message_result(const store::Execution& execution, std::string_view body,
                              const core::Outcome& outcome, const Links& links);

// GET …/executions/<id>: Abaco's execution (id, actor_id, api_server, executor, worker_id,
// message_received_time, start_time, finish_time, runtime, cpu, io, status, exit_code,
// final_state, _links: self, owner, logs) and pjm's message_kind and job_uuid
// (docs/protocol.md#executions).
nlohmann::json execution_document(const store::Execution& execution, const Links& links);
// GET …/executions: Abaco's executions summary (actor_id, api_server, owner, executions: [{id,
// status, start_time, finish_time, message_received_time, and pjm's exit_code, message_kind,
// job_uuid}], total_executions, total_cpu, total_io, total_runtime, _links: self, owner), for one
// page of them.
nlohmann::json executions_summary(const store::ExecutionPage& page, const Links& links);
// GET …/executions/<id>/logs: logs and _links (self, owner, execution).
nlohmann::json logs_document(const store::Execution& execution, const Links& links);

} // namespace pjm::server
