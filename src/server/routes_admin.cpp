// The admin routes (docs/protocol.md#admin-routes), pjm extensions for the operators of a
// manager, so that registering pipelines and getting admin tokens need no access to the
// database or its host:
//   GET  …/pipelines    the registered pipelines, by name (message credentials or the admin one)
//   POST …/pipelines    {name, uuid?, description?}: registers one, idempotent as `pjm pipeline
//                       add` is (admin credential)
//   POST …/admin-token  an admin token of the current window, made with the manager's admin
//                       secret, and when it expires (admin credential)
// Each success is logged with the admin credential that asked ("admin-2"), never a secret.
#include "core/message.hpp"
#include "core/reads.hpp"
#include "core/timefmt.hpp"
#include "core/token.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

namespace pjm::server {

namespace {

// The body of POST …/pipelines as a pipeline to register, or why it is not one.
struct PipelineRequest {
    std::string name, uuid, description;
    std::string error;
};

PipelineRequest pipeline_request(const std::string& body) {
    PipelineRequest out;
    auto parsed = core::parse_body(body);
    if (!parsed.value) {
        out.error = "the body is not JSON: " + parsed.error;
        return out;
    }
    if (!parsed.value->is_object()) {
        out.error = "the body must be an object {\"name\": …, \"uuid\": …, \"description\": …}";
        return out;
    }
    for (const auto& [key, value] : parsed.value->items()) {
        std::string* into = key == "name"          ? &out.name
                            : key == "uuid"        ? &out.uuid
                            : key == "description" ? &out.description
                                                   : nullptr;
        if (!into) {
            out.error = "unknown field " + core::quoted_value(key) +
                        "; a pipeline has name, uuid (optional) and description (optional)";
            return out;
        }
        if (!value.is_string()) {
            out.error = "field " + key + " must be a string";
            return out;
        }
        *into = value.get<std::string>();
    }
    if (out.name.empty()) out.error = "a pipeline needs a non-empty \"name\"";
    return out;
}

} // namespace

void list_pipelines(ServerContext& ctx, const Request&, Response& res) {
    std::vector<core::Pipeline> pipelines;
    {
        auto storage = ctx.reads.acquire();
        pipelines = storage->list_pipelines();
    }
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& p : pipelines)
        docs.push_back(core::to_json(p));
    reply(ctx, res, 200, status_message(200), std::move(docs));
}

void add_pipeline(ServerContext& ctx, const Request& req, Response& res) {
    PipelineRequest asked = pipeline_request(req.body);
    if (!asked.error.empty()) return reply(ctx, res, 400, asked.error);
    core::UuidFactory uuids(ctx.config.handler.uuid_domain);
    // A rare write: on a connection of the read pool, not through the message writer's queue
    // (SQLite serialises it with the writer's transactions; PostgreSQL takes it as it comes).
    core::Result<core::Pipeline> added;
    {
        auto storage = ctx.reads.acquire();
        added = core::register_pipeline(*storage, uuids, asked.name, asked.uuid, asked.description,
                                        ctx.clock);
    }
    if (!added.ok()) return reply(ctx, res, core::http_status(added.kind), added.message);
    res.log_detail = req.identity + " registered pipeline " + added.value.uuid;
    reply(ctx, res, 200, "pipeline " + added.value.uuid + " registered",
          core::to_json(added.value));
}

void make_admin_token(ServerContext& ctx, const Request& req, Response& res) {
    const core::AdminConfig& admin = ctx.admin;
    if (admin.secret.empty())
        return reply(ctx, res, 409,
                     "this manager accepts no admin tokens: it runs with an empty admin secret");
    std::int64_t now = ctx.clock.now_s();
    // Valid through the next window as well (the current and previous windows are accepted).
    std::int64_t expires = core::admin_token_expires(admin, now) + admin.lifetime;
    res.log_detail = "admin token for " + req.identity;
    reply(ctx, res, 200, "admin token of the current window",
          {{"token", core::admin_token(admin, now)},
           {"expires", core::rfc3339_ms(expires * 1000)},
           {"key", admin.key},
           {"lifetime", admin.lifetime}});
}

} // namespace pjm::server
