// PipelineJobEvent: {uuid, name, data?, token?}, pjm's own event message.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

namespace pjm::core {

namespace {

using nlohmann::json;

KindRead read(const json& body, const QueryParams& query) {
    json message = kinds::with_url_token(body, query);
    KindRead r;
    r.errors = schema_errors("event", message);
    if (!r.errors.empty()) return r;
    EventMessage e;
    e.uuid = message.at("uuid").get<std::string>();
    e.event = *parse_event(message.at("name").get<std::string>());
    if (auto it = message.find("data"); it != message.end()) e.data = *it;
    e.token = kinds::token_from(message, query);
    r.message = Message{MessageKind::event, e, {}};
    return r;
}

// The kind a body is read as when it looks like no other.
bool looks_like(const json&, const QueryParams&) {
    return false;
}

} // namespace

const KindSpec& event_kind() {
    static const KindSpec spec{
        MessageKind::event, "PipelineJobEvent", "event", Role::command, false, looks_like, read};
    return spec;
}

} // namespace pjm::core
