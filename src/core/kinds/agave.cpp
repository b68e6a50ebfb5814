// AgaveJobsPost: the Agave jobs service's job notification, a callback
// (docs/protocol.md#agave-callbacks). The body is the Agave job; the pjm job and its token are
// the URL's uuid and token parameters.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <array>

namespace pjm::core {

namespace {

using nlohmann::json;

// Agave job status → event. Statuses not listed (KILLED, HEARTBEAT, UPDATED, …) annotate.
constexpr std::array<kinds::StatusRow, 21> k_statuses = {{
    {"CREATED", Event::resource},
    {"PERMISSION_GRANT", Event::resource},
    {"PERMISSION_REVOKE", Event::resource},
    {"PENDING", Event::resource},
    {"STAGING_INPUTS", Event::resource},
    {"CLEANING_UP", Event::resource},
    {"ARCHIVING", Event::resource},
    {"STAGING_JOB", Event::resource},
    {"PAUSED", Event::resource},
    {"QUEUED", Event::resource},
    {"SUBMITTING", Event::resource},
    {"STAGED", Event::resource},
    {"PROCESSING_INPUTS", Event::resource},
    {"ARCHIVING_FINISHED", Event::resource},
    {"RUNNING", Event::run},
    {"FINISHED", Event::finish},
    {"FAILED", Event::fail},
    {"STOPPED", Event::fail},
    {"DELETED", Event::fail},
    {"ARCHIVING_FAILED", Event::fail},
    {"KILLED", Event::update},
}};

KindRead read(const json& body, const QueryParams& query) {
    KindRead r;
    r.errors = schema_errors("agave", body);
    if (!r.errors.empty()) return r;
    kinds::CallbackTarget target = kinds::callback_target(query);
    if (!target.event) {
        r.errors = std::move(target.errors);
        return r;
    }
    EventMessage e = std::move(*target.event);
    std::string status = body.at("status").get<std::string>();
    e.event = event_for_agave_status(status);
    e.data = body;
    for (const char* drop : {"_links", "retries", "localId"})
        e.data.erase(drop);
    CallbackFacts facts{"Agave", status, {}};
    // Agave gives a notification no id of its own: the same Agave job reporting the same
    // status again is the duplicate.
    if (auto id = kinds::opt_string(body, "id"); id && !id->empty())
        facts.dedupe_key = "agave:" + *id + ":" + kinds::upper(status);
    r.message = Message{MessageKind::agave_callback, e, std::move(facts)};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    return body.is_object() && (body.contains("status") || body.contains("appId"));
}

} // namespace

Event event_for_agave_status(std::string_view status) {
    return kinds::event_for_status(k_statuses, status);
}

const KindSpec& agave_kind() {
    static const KindSpec spec{MessageKind::agave_callback,
                               "AgaveJobsPost",
                               "agave",
                               Role::callback,
                               true,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
