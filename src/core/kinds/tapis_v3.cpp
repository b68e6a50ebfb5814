// TapisNotification: a Tapis v3 notification delivered to a webhook, a callback
// (docs/protocol.md#tapis-v3-job-notifications). The body is the Notifications service's
// envelope, {uuid, tenant, subscriptionName, eventUuid, event: {source, type, subject, uuid,
// timestamp, seriesSeqCount, data}, deliveryTarget, created}; Jobs events say
// "jobs.<CATEGORY>[.<STATUS>]" in event.type and carry their fields as JSON text in event.data.
// The pjm job and its token are the delivery URL's uuid and token parameters.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <array>

namespace pjm::core {

namespace {

using nlohmann::json;

// Tapis v3 job status (JOB_NEW_STATUS) → event. Statuses not listed annotate.
constexpr std::array<kinds::StatusRow, 13> k_statuses = {{
    {"PENDING", Event::resource},
    {"PROCESSING_INPUTS", Event::resource},
    {"STAGING_INPUTS", Event::resource},
    {"STAGING_JOB", Event::resource},
    {"SUBMITTING_JOB", Event::resource},
    {"QUEUED", Event::resource},
    {"ARCHIVING", Event::resource},
    {"BLOCKED", Event::resource},
    {"PAUSED", Event::resource},
    {"RUNNING", Event::run},
    {"FINISHED", Event::finish},
    {"FAILED", Event::fail},
    {"CANCELLED", Event::fail},
}};

constexpr std::string_view k_status_prefix = "jobs.JOB_NEW_STATUS.";

// event.data: Jobs sends a JSON object as text; kept as an object when it is one (within the
// limits of any message), as it came otherwise.
json event_fields(const json& event) {
    auto it = event.find("data");
    if (it == event.end() || it->is_null()) return json::object();
    if (it->is_object()) return *it;
    ParsedBody inner = parse_body(it->get<std::string>());
    if (inner.value && inner.value->is_object()) return std::move(*inner.value);
    return json{{"data", *it}};
}

KindRead read(const json& body, const QueryParams& query) {
    KindRead r;
    r.errors = schema_errors("tapis", body);
    if (!r.errors.empty()) return r;
    kinds::CallbackTarget target = kinds::callback_target(query);
    if (!target.event) {
        r.errors = std::move(target.errors);
        return r;
    }
    EventMessage e = std::move(*target.event);
    const json& event = body.at("event");
    std::string type = event.at("type").get<std::string>();
    std::string status = type;
    if (type.size() > k_status_prefix.size() && type.rfind(k_status_prefix, 0) == 0) {
        status = type.substr(k_status_prefix.size());
        e.event = event_for_tapis_status(status);
    } else {
        e.event = Event::update; // the other categories: transfers, shares, errors, user events
    }
    e.data = event_fields(event);
    json notification = json::object();
    notification["eventType"] = type;
    notification["eventUuid"] = event.at("uuid");
    for (const char* key : {"subject", "timestamp", "seriesSeqCount"})
        if (auto it = event.find(key); it != event.end()) notification[key] = *it;
    if (auto tenant = kinds::opt_string(body, "tenant")) notification["tenant"] = *tenant;
    e.data["notification"] = std::move(notification);
    CallbackFacts facts{"Tapis v3", status, "tapis:" + event.at("uuid").get<std::string>()};
    r.message = Message{MessageKind::tapis_notification, e, std::move(facts)};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    if (!body.is_object()) return false;
    auto it = body.find("event");
    return (it != body.end() && it->is_object()) || body.contains("eventUuid");
}

} // namespace

Event event_for_tapis_status(std::string_view status) {
    return kinds::event_for_status(k_statuses, status);
}

const KindSpec& tapis_kind() {
    static const KindSpec spec{MessageKind::tapis_notification,
                               "TapisNotification",
                               "tapis",
                               Role::callback,
                               true,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
