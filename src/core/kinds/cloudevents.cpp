// CloudEvent: a CloudEvents 1.0 event (docs/integrations.md#cloudevents), the generic door for
// senders pjm has no kind of its own for. pjm serve reads one from a structured-mode request
// (application/cloudevents+json) or builds one from a binary-mode request (ce-* headers), then
// reads the message here: which event an event `type` is comes from the site's map
// (--cloudevents-map), not from pjm; the job and its token are the URL's uuid and token. A
// callback: dedupe on source + id, as the CloudEvents spec says they identify an event.
#include "core/kinds/cloudevents.hpp"

#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <stdexcept>

namespace pjm::core {

namespace {

using nlohmann::json;

// An event a map may name: any a job's own token may send, but create.
Event mapped_event(const json& value, const std::string& where) {
    if (!value.is_string())
        throw std::invalid_argument(where + " must be an event name (run, finish, fail, …)");
    auto e = parse_event(value.get<std::string>());
    if (!e || *e == Event::create || is_admin_only(*e))
        throw std::invalid_argument(where + ": '" + value.get<std::string>() +
                                    "' is not an event a CloudEvent may carry (any event but "
                                    "create and the admin-only reset and ready)");
    return *e;
}

// The value at a dotted path of `data` as text (strings as they are, numbers and booleans as
// JSON writes them), or nothing.
std::optional<std::string> field_text(const json& data, const std::string& path) {
    const json* v = &data;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t dot = path.find('.', start);
        std::string key =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!v->is_object()) return std::nullopt;
        auto it = v->find(key);
        if (it == v->end()) return std::nullopt;
        v = &*it;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();
    return std::nullopt;
}

} // namespace

CloudEventsMap parse_cloudevents_map(const json& doc) {
    if (!doc.is_object() || !doc.contains("types") || !doc.at("types").is_object())
        throw std::invalid_argument("a CloudEvents map is {\"types\": {TYPE: EVENT or {\"field\": "
                                    "PATH, \"values\": {VALUE: EVENT, …}, \"otherwise\": "
                                    "EVENT}, …}}");
    CloudEventsMap map;
    for (const auto& [type, rule] : doc.at("types").items()) {
        std::string where = "type '" + type + "'";
        CloudEventRule r;
        if (rule.is_string()) {
            r.otherwise = mapped_event(rule, where);
        } else if (rule.is_object()) {
            for (const auto& [key, _] : rule.items())
                if (key != "field" && key != "values" && key != "otherwise")
                    throw std::invalid_argument(where + ": unknown key '" + key +
                                                "' (a rule has field, values, otherwise)");
            if (rule.contains("field")) {
                if (!rule.at("field").is_string() || rule.at("field").get<std::string>().empty())
                    throw std::invalid_argument(where + ": field must be a path in the event's "
                                                        "data, such as \"status\" or "
                                                        "\"run.state\"");
                r.field = rule.at("field").get<std::string>();
                if (!rule.contains("values") || !rule.at("values").is_object())
                    throw std::invalid_argument(where + ": a field needs its values: "
                                                        "{\"values\": {VALUE: EVENT, …}}");
                for (const auto& [value, event] : rule.at("values").items())
                    r.values.emplace_back(value,
                                          mapped_event(event, where + " value '" + value + "'"));
            } else if (rule.contains("values")) {
                throw std::invalid_argument(where + ": values need the field they are read "
                                                    "from: {\"field\": PATH, …}");
            }
            if (rule.contains("otherwise"))
                r.otherwise = mapped_event(rule.at("otherwise"), where + " otherwise");
            if (!r.otherwise && r.values.empty())
                throw std::invalid_argument(where + " maps to no event");
        } else {
            throw std::invalid_argument(where + " must map to an event name or a rule object");
        }
        map.types.emplace(type, std::move(r));
    }
    return map;
}

KindRead read_cloudevent(const json& event, const QueryParams& query, const CloudEventsMap& map) {
    KindRead r;
    if (event.is_object())
        if (auto v = event.find("specversion"); v != event.end() && *v != "1.0") {
            r.errors.push_back("specversion " + v->dump() +
                               ": pjm takes CloudEvents 1.0 (specversion \"1.0\") only");
            return r;
        }
    r.errors = schema_errors("cloudevents", event);
    if (!r.errors.empty()) return r;
    kinds::CallbackTarget target = kinds::callback_target(query);
    if (!target.event) {
        r.errors = std::move(target.errors);
        return r;
    }
    EventMessage e = std::move(*target.event);
    const std::string type = event.at("type").get<std::string>();
    const std::string source = event.at("source").get<std::string>();
    const std::string id = event.at("id").get<std::string>();
    static const json k_null = nullptr;
    auto data_it = event.find("data");
    const json& data = data_it != event.end() ? *data_it : k_null;

    std::optional<Event> mapped;
    std::string status = type;
    if (auto rule = map.types.find(type); rule != map.types.end()) {
        if (rule->second.field) {
            if (auto value = field_text(data, *rule->second.field)) {
                status += " " + *rule->second.field + "=" + *value;
                for (const auto& [v, ev] : rule->second.values)
                    if (v == *value) mapped = ev;
            }
        }
        if (!mapped) mapped = rule->second.otherwise;
    }
    e.event = mapped.value_or(Event::update);
    json attributes = {{"type", type}, {"source", source}, {"id", id}};
    for (const char* key : {"subject", "time"})
        if (auto it = event.find(key); it != event.end()) attributes[key] = *it;
    e.data = json{{"cloudevent", std::move(attributes)}};
    if (!data.is_null()) e.data["data"] = data;
    CallbackFacts facts{"CloudEvents", status, "ce:" + source + "\n" + id};
    // A type the map does not name, or a field value it does not list: acknowledged, not kept.
    facts.keep = mapped.has_value();
    r.message = Message{MessageKind::cloudevent, std::move(e), std::move(facts)};
    return r;
}

const KindSpec& cloudevents_kind() {
    static const KindSpec spec{MessageKind::cloudevent, "CloudEvent", "cloudevents",
                               Role::callback,          true,         kinds::never_by_shape,
                               kinds::not_classified};
    return spec;
}

} // namespace pjm::core
