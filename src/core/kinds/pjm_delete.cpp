// PipelineJobDeleteAction: {uuid, action: "delete", force?, token?}.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

namespace pjm::core {

namespace {

using nlohmann::json;

KindRead read(const json& body, const QueryParams& query) {
    json message = kinds::with_url_token(body, query);
    KindRead r;
    r.errors = schema_errors("delete", message);
    if (!r.errors.empty()) return r;
    DeleteAction d;
    d.uuid = message.at("uuid").get<std::string>();
    if (auto it = message.find("force"); it != message.end()) d.force = it->get<bool>();
    d.token = kinds::token_from(message, query);
    r.message = Message{MessageKind::delete_action, d, {}};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    return body.is_object() && body.contains("action");
}

} // namespace

const KindSpec& delete_kind() {
    static const KindSpec spec{MessageKind::delete_action,
                               "PipelineJobDeleteAction",
                               "delete",
                               Role::command,
                               false,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
