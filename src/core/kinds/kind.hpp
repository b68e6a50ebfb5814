// What every message kind declares (docs/protocol.md#messages): its name, its schema, whether
// it is a command or a platform callback, how it recognises a body and what message it reads
// from one. Each kind is one file in this folder; kinds.cpp lists them in classification order.
#pragma once

#include "core/message.hpp"
#include "core/query.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

// Who sends a kind, and so which answers it gets (docs/protocol.md#callbacks):
//   command:  people and scripts; an event the job's state does not allow is a conflict (409);
//   callback: a platform that retries whatever is not 2xx; duplicates and stale statuses are
//             answered 2xx without change, and a step it lost is inferred.
enum class Role { command, callback };

struct KindRead {
    std::optional<Message> message;
    std::vector<std::string> errors; // why the body is not of this kind (when no message)
    bool considered = true;          // false: the kind does not apply at all; refusals leave it out
};

struct KindSpec {
    MessageKind kind;
    std::string_view name;   // in replies and executions: "PipelineJobEvent", …
    std::string_view schema; // the bundled schema (pjm schema NAME)
    Role role;
    // True when the body's own uuid, name or token are the sender's (a notification's id, a
    // platform job's name), not pjm's: only the URL names the pjm job, so they are not
    // compared with the URL's parameters.
    bool own_fields;
    // Whether the sender most likely meant this kind, so a refusal leads with its reasons.
    bool (*looks_like)(const nlohmann::json& body, const QueryParams& query);
    // The message `body` and the URL's query parameters make, or why they are not this kind.
    KindRead (*read)(const nlohmann::json& body, const QueryParams& query);
};

// Every kind, in the order classification tries them.
std::span<const KindSpec> message_kinds();
const KindSpec& kind_spec(MessageKind kind);
std::optional<MessageKind> kind_named(std::string_view name);

// The kinds' declarations, one per file of this folder.
const KindSpec& event_kind();
const KindSpec& delete_kind();
const KindSpec& create_kind();
const KindSpec& agave_kind();
const KindSpec& tapis_kind();
const KindSpec& nextflow_kind();
const KindSpec& cromwell_kind();
const KindSpec& slurm_kind();
const KindSpec& cloudevents_kind();
const KindSpec& url_params_kind();

// A Slurm job completion record as pjm serve's /jobcomp/ route reads it (no other door takes
// this kind: the record carries no job credential; docs/integrations.md#slurm).
KindRead read_slurm_jobcomp(const nlohmann::json& body);

// Shared by the kinds' files.
namespace kinds {
std::optional<std::string> opt_string(const nlohmann::json& obj, const char* key);
// The job token from the body, or (as Abaco hands query parameters over) the URL.
std::optional<std::string> token_from(const nlohmann::json& body, const QueryParams& query);
// The body with the URL's token added when it has none (event and delete messages).
nlohmann::json with_url_token(const nlohmann::json& body, const QueryParams& query);
// The URL-parameter form's fields from the query: uuid, token, and name (or its alias event).
nlohmann::json params_object(const QueryParams& query);
// Schema reasons about URL parameters, worded as such ("URL parameter token: …").
std::vector<std::string> url_parameter_errors(const nlohmann::json& params);
// A platform callback's job and token, from the URL (`uuid`, `token`): an EventMessage with
// them, or the reasons they are missing or malformed.
struct CallbackTarget {
    std::optional<EventMessage> event;
    std::vector<std::string> errors;
};
CallbackTarget callback_target(const QueryParams& query);
// For the kinds classification never picks (their route or content type says what they are):
// no body looks like them, and reading one by shape does not apply.
bool never_by_shape(const nlohmann::json& body, const QueryParams& query);
KindRead not_classified(const nlohmann::json& body, const QueryParams& query);
// Text upper-cased in ASCII ("running" → "RUNNING").
std::string upper(std::string_view text);
// One row of a platform's status table.
struct StatusRow {
    std::string_view status;
    Event event;
};
// The event of `status` (compared without case) in `table`; update when it is not there.
Event event_for_status(std::span<const StatusRow> table, std::string_view status);
// Whether `message` is, beyond doubt, a valid PipelineJobEvent by the checks of
// schemas/event.json (an object of uuid, name, data?, token? with a job UUID, an event name a
// message may carry, an object for data, a token of 16 or 17 ASCII characters). False means
// "ask the schema", which also words the refusal: a cheap check for the common case, never
// more lenient than the schema (tests/unit/core/kinds_test.cpp compares the two).
bool plainly_valid_event(const nlohmann::json& message);

} // namespace kinds

} // namespace pjm::core
