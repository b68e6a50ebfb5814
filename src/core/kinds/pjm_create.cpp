// PipelineJobCreateAction: {pipeline_uuid, archive_path, data, archive_system?, session?}.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

namespace pjm::core {

namespace {

using nlohmann::json;

KindRead read(const json& body, const QueryParams&) {
    KindRead r;
    r.errors = schema_errors("create", body);
    if (!r.errors.empty()) return r;
    CreateAction c;
    c.pipeline_uuid = body.at("pipeline_uuid").get<std::string>();
    c.archive_path = body.at("archive_path").get<std::string>();
    c.archive_system = kinds::opt_string(body, "archive_system");
    c.data = body.at("data");
    c.session = kinds::opt_string(body, "session");
    r.message = Message{MessageKind::create_action, c, {}};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    return body.is_object() && (body.contains("pipeline_uuid") || body.contains("archive_path"));
}

} // namespace

const KindSpec& create_kind() {
    static const KindSpec spec{MessageKind::create_action,
                               "PipelineJobCreateAction",
                               "create",
                               Role::command,
                               false,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
