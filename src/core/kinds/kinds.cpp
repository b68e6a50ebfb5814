// The registry of message kinds, in the order classification tries them, and what they share.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <array>
#include <cctype>
#include <functional>
#include <stdexcept>

namespace pjm::core {

std::span<const KindSpec> message_kinds() {
    // pjm's own messages first (their schemas are strict: nothing else fits them), then the
    // platform callbacks (recognised by their shape), and last the URL-parameter form, which
    // takes any JSON object as data.
    // Slurm's job completion records and CloudEvents are listed for their schema and name;
    // classification never picks them (pjm serve reads them by their route or content type).
    static const std::array<std::reference_wrapper<const KindSpec>, 10> order = {
        event_kind(),    delete_kind(),   create_kind(), agave_kind(),       tapis_kind(),
        nextflow_kind(), cromwell_kind(), slurm_kind(),  cloudevents_kind(), url_params_kind()};
    static const std::vector<KindSpec> kinds(order.begin(), order.end());
    return kinds;
}

const KindSpec& kind_spec(MessageKind kind) {
    for (const KindSpec& k : message_kinds())
        if (k.kind == kind) return k;
    throw std::logic_error("message kind without a declaration");
}

std::optional<MessageKind> kind_named(std::string_view name) {
    for (const KindSpec& k : message_kinds())
        if (k.name == name) return k.kind;
    return std::nullopt;
}

std::string_view to_string(MessageKind k) {
    return kind_spec(k).name;
}

std::string_view schema_name(MessageKind k) {
    return kind_spec(k).schema;
}

bool is_callback(MessageKind k) {
    return kind_spec(k).role == Role::callback;
}

namespace kinds {

using nlohmann::json;

std::optional<std::string> opt_string(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::string> token_from(const json& body, const QueryParams& query) {
    if (auto t = opt_string(body, "token")) return t;
    return query.get("token");
}

json with_url_token(const json& body, const QueryParams& query) {
    json out = body;
    if (body.is_object() && !body.contains("token"))
        if (auto t = query.get("token")) out["token"] = *t;
    return out;
}

json params_object(const QueryParams& query) {
    json p = json::object();
    for (const char* key : {"uuid", "token"})
        if (auto v = query.get(key)) p[key] = *v;
    if (auto v = query.get("name"))
        p["name"] = *v;
    else if (auto alias = query.get("event"))
        p["name"] = *alias;
    return p;
}

std::vector<std::string> url_parameter_errors(const json& params) {
    auto errors = schema_errors("urlparams", params);
    // "/token: …" → "URL parameter token: …"; a reason about the parameters as a whole
    // ("/: Missing required property 'uuid'") would otherwise read "URL parameter : Missing …".
    for (auto& err : errors)
        err = err.rfind("/:", 0) == 0 ? "URL parameters" + err.substr(1)
                                      : "URL parameter " + err.substr(1);
    return errors;
}

CallbackTarget callback_target(const QueryParams& query) {
    json params = params_object(query);
    params["name"] = "update"; // the event comes from the body
    CallbackTarget t;
    t.errors = url_parameter_errors(params);
    if (!t.errors.empty()) return t;
    EventMessage e;
    e.uuid = *query.get("uuid");
    e.token = query.get("token");
    t.event = std::move(e);
    return t;
}

bool never_by_shape(const json&, const QueryParams&) {
    return false;
}

KindRead not_classified(const json&, const QueryParams&) {
    KindRead r;
    r.considered = false;
    return r;
}

std::string upper(std::string_view text) {
    std::string s;
    s.reserve(text.size());
    for (char c : text)
        s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return s;
}

Event event_for_status(std::span<const StatusRow> table, std::string_view status) {
    std::string s = upper(status);
    for (const StatusRow& row : table)
        if (row.status == s) return row.event;
    return Event::update;
}

} // namespace kinds

} // namespace pjm::core
