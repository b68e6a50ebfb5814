// CromwellCallback: the message Cromwell POSTs to a workflow's callback URL when a root
// workflow reaches a terminal state, retrying with backoff until it is answered 2xx, a
// callback (docs/integrations.md#cromwell). The body is {workflowId, state, outputs,
// failures}; the pjm job and its token are the URL's uuid and token parameters.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <array>

namespace pjm::core {

namespace {

using nlohmann::json;

// Cromwell's terminal states → event (the schema admits these three only).
constexpr std::array<kinds::StatusRow, 3> k_states = {{
    {"SUCCEEDED", Event::finish},
    {"FAILED", Event::fail},
    {"ABORTED", Event::fail},
}};

KindRead read(const json& body, const QueryParams& query) {
    KindRead r;
    if (!body.is_object() || !body.contains("workflowId")) {
        r.considered = false; // nothing of Cromwell's: not worth naming in a refusal
        return r;
    }
    r.errors = schema_errors("cromwell", body);
    if (!r.errors.empty()) return r;
    kinds::CallbackTarget target = kinds::callback_target(query);
    if (!target.event) {
        r.errors = std::move(target.errors);
        return r;
    }
    EventMessage e = std::move(*target.event);
    const std::string workflow = body.at("workflowId").get<std::string>();
    const std::string state = body.at("state").get<std::string>();
    e.event = kinds::event_for_status(k_states, state);
    e.data = json{{"cromwell", {{"workflowId", workflow}, {"state", state}}}};
    for (const char* key : {"outputs", "failures"})
        if (auto it = body.find(key); it != body.end() && !it->is_null() && !it->empty())
            e.data[key] = *it;
    // Cromwell reports a workflow's end once (and again until answered): the workflow and its
    // state are the notification.
    CallbackFacts facts{"Cromwell", state, "cromwell:" + workflow + ":" + kinds::upper(state)};
    r.message = Message{MessageKind::cromwell_callback, e, std::move(facts)};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    return body.is_object() && body.contains("workflowId");
}

} // namespace

const KindSpec& cromwell_kind() {
    static const KindSpec spec{MessageKind::cromwell_callback,
                               "CromwellCallback",
                               "cromwell",
                               Role::callback,
                               false,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
