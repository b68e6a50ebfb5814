// Messages (docs/protocol.md#messages): parsing a body and classifying it as one of the kinds
// declared in kinds/ (pjm's own three, the URL-parameter form, platform callbacks).
#pragma once

#include "core/error.hpp"
#include "core/fsm.hpp"
#include "core/query.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

// The largest message pjm builds, reads or (by default) a manager accepts: 1 MiB.
inline constexpr std::size_t k_max_message_bytes = 1024 * 1024;
// The most messages one batch request to pjm serve may carry (docs/protocol.md#message-batches).
inline constexpr std::size_t k_max_batch_messages = 1000;

inline constexpr int k_max_json_depth = 64;

// One per file of kinds/ (kinds/kind.hpp says what a kind declares).
enum class MessageKind {
    event,
    delete_action,
    create_action,
    agave_callback,
    tapis_notification,
    nextflow_weblog,
    cromwell_callback,
    slurm_jobcomp,
    cloudevent,
    url_params
};
std::string_view to_string(MessageKind k); // "PipelineJobEvent", …
// Bundled schema name for a kind ("event", "delete", "create", "agave", "tapis", "urlparams").
std::string_view schema_name(MessageKind k);
// Whether a kind is sent by a platform that retries (docs/protocol.md#callbacks).
bool is_callback(MessageKind k);

struct CreateAction {
    std::string pipeline_uuid;
    std::string archive_path;
    std::optional<std::string> archive_system;
    nlohmann::json data = nlohmann::json::object();
    std::optional<std::string> session;
};

struct EventMessage {
    std::string uuid;
    Event event = Event::update;
    nlohmann::json data = nlohmann::json::object();
    std::optional<std::string> token;
    // Set when the sender names a pipeline instead of a job (Nextflow's job-creating mode:
    // docs/integrations.md#nextflow): the job is the one this create makes (its uuid derived
    // from the pipeline and data as for pjm create; uuid stays empty), made in the event's
    // transaction when it does not exist yet. The server's credential stands for the sender:
    // such a message carries no job token.
    std::optional<CreateAction> create_if_missing;
};

struct DeleteAction {
    std::string uuid;
    bool force = false;
    std::optional<std::string> token;
};

// A scheduler's job as a report names it: key "slurm:4242" (scheduler_claim_key), and the
// cluster when the report says which.
struct SchedulerJobRef {
    std::string key;
    std::optional<std::string> cluster;
};

// What a platform callback says besides its event (docs/protocol.md#callbacks).
struct CallbackFacts {
    CallbackFacts() = default;
    CallbackFacts(std::string sender_, std::string status_, std::string dedupe_key_)
        : sender(std::move(sender_)), status(std::move(status_)),
          dedupe_key(std::move(dedupe_key_)) {}

    std::string sender; // "Agave", "Tapis v3", "Nextflow"
    std::string status; // the status as the platform wrote it ("FINISHED"), or its event type
    // The sender's id for this notification: a second message with the same key for the same
    // job is a duplicate. Empty: the sender gives none.
    std::string dedupe_key;
    // False: the report is acknowledged but the history does not keep it (a Nextflow task
    // that did not fail: docs/integrations.md#nextflow); nothing changes.
    bool keep = true;
    // Set when the report names a scheduler's job rather than a PipelineJob (Slurm's job
    // completion records: docs/integrations.md#slurm): the job is the one whose run entry
    // claimed that scheduler job (SchedulerClaim), found in the message's transaction, and the
    // EventMessage has no uuid and no token (the route's credential stands for the sender).
    std::optional<SchedulerJobRef> scheduler_job;
};

struct Message {
    MessageKind kind = MessageKind::event;
    // Callbacks and the URL-parameter form arrive here as EventMessage.
    std::variant<EventMessage, DeleteAction, CreateAction> body;
    std::optional<CallbackFacts> callback; // callback kinds only
};

// A JSON document from raw bytes: empty input, invalid JSON or UTF-8, and nesting deeper
// than k_max_json_depth are invalid messages. A body that is exactly {"message": M}, M an
// object or the JSON text of one, is M (the wrapping Tapis clients send).
struct ParsedBody {
    std::optional<nlohmann::json> value;
    std::string error;
};
ParsedBody parse_body(std::string_view text);

struct Classified {
    std::optional<Message> message;
    Error error; // kind invalid, with every reason, when nothing matched
};
// The first message kind `body` (with the URL's query parameters) validates against.
Classified classify(const nlohmann::json& body, const QueryParams& query);

// A message's text made fit to echo back (the "msg" of a reply): the string value of every
// "token" member, the value of every token= form field (a form sent as the body), and every
// other occurrence of the `known` values (the tokens the message carried, however spelt),
// read "<redacted>"; the rest is kept byte for byte.
std::string redact_tokens(std::string_view text, const std::vector<std::string>& known = {});

// Agave job status → event (docs/protocol.md#agave-callbacks), case-insensitive; unknown
// statuses → update.
Event event_for_agave_status(std::string_view status);
// Tapis v3 job status (JOB_NEW_STATUS) → event (docs/protocol.md#tapis-v3-job-notifications),
// case-insensitive; unknown statuses → update.
Event event_for_tapis_status(std::string_view status);

} // namespace pjm::core
