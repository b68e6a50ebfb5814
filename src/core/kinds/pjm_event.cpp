// PipelineJobEvent: {uuid, name, data?, token?}, pjm's own event message.
#include "core/fsm.hpp"
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"
#include "core/typed_uuid.hpp"

namespace pjm::core {

namespace {

using nlohmann::json;

KindRead read(const json& body, const QueryParams& query) {
    json message = kinds::with_url_token(body, query);
    KindRead r;
    // The schema is asked only when the cheap check is not sure (a batch of local events
    // spent a seventh of its time validating).
    if (!kinds::plainly_valid_event(message)) {
        r.errors = schema_errors("event", message);
        if (!r.errors.empty()) return r;
    }
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

bool kinds::plainly_valid_event(const json& m) {
    if (!m.is_object() || m.size() > 4) return false;
    bool has_uuid = false, has_name = false;
    for (const auto& [key, value] : m.items()) {
        if (key == "uuid") {
            if (!value.is_string() ||
                !is_typed_uuid(value.get_ref<const std::string&>(), UuidType::job))
                return false;
            has_uuid = true;
        } else if (key == "name") {
            if (!value.is_string()) return false;
            const std::string& name = value.get_ref<const std::string&>();
            auto e = parse_event(name);
            // Exactly as the schema's enum spells it (parse_event ignores case), and not
            // create, which no message carries.
            if (!e || *e == Event::create || to_string(*e) != name) return false;
            has_name = true;
        } else if (key == "data") {
            if (!value.is_object()) return false;
        } else if (key == "token") {
            if (!value.is_string()) return false;
            const std::string& t = value.get_ref<const std::string&>();
            // The schema counts characters; for ASCII they are the bytes.
            if (t.size() < 16 || t.size() > 17) return false;
            for (unsigned char c : t)
                if (c >= 0x80) return false;
        } else {
            return false;
        }
    }
    return has_uuid && has_name;
}

const KindSpec& event_kind() {
    static const KindSpec spec{
        MessageKind::event, "PipelineJobEvent", "event", Role::command, false, looks_like, read};
    return spec;
}

} // namespace pjm::core
