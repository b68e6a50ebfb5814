// PipelineJobEvent (URL parameters): uuid, name (or event) and token in the query string; the
// body, any JSON object, becomes the event's data.
#include "core/kinds/kind.hpp"

namespace pjm::core {

namespace {

using nlohmann::json;

bool names_its_event(const QueryParams& query) {
    return query.has("uuid") || query.has("name") || query.has("event");
}

KindRead read(const json& body, const QueryParams& query) {
    KindRead r;
    if (query.empty() || !names_its_event(query)) {
        r.considered = false;
        return r;
    }
    json params = kinds::params_object(query);
    r.errors = kinds::url_parameter_errors(params);
    if (!body.is_object()) r.errors.push_back("body: must be a JSON object (it becomes data)");
    if (!r.errors.empty()) return r;
    EventMessage e;
    e.uuid = params.at("uuid").get<std::string>();
    e.event = *parse_event(params.at("name").get<std::string>());
    e.data = body;
    e.token = query.get("token");
    r.message = Message{MessageKind::url_params, e, {}};
    return r;
}

bool looks_like(const json& body, const QueryParams& query) {
    return body.is_object() && !body.contains("name") && (query.has("name") || query.has("event"));
}

} // namespace

const KindSpec& url_params_kind() {
    static const KindSpec spec{MessageKind::url_params,
                               "PipelineJobEvent (URL parameters)",
                               "urlparams",
                               Role::command,
                               false,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
