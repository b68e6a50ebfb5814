// GET /actors/v2 (the one actor this manager is), GET /actors/v2/<actorId> (its description)
// and GET …/workers (this process): the routes Abaco clients call to look around
// (docs/protocol.md#actor-and-workers). Abaco's fields, with what is true of pjm serve.
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <unistd.h>

namespace pjm::server {

namespace {

nlohmann::json actor_document(const ServerContext& ctx, const Links& links) {
    const ServeConfig& c = ctx.config;
    return {
        {"id", c.actor_id},
        {"name", c.actor_id},
        {"owner", c.owner},
        {"image", "pjm:" + c.version},
        {"description", "PipelineJobs manager (pjm serve " + c.version + ")"},
        {"status", "READY"},
        {"status_message", ""},
        {"state", nlohmann::json::object()},
        {"stateless", true},
        {"type", "none"},
        {"link", ""},
        {"token", false},
        {"webhook", ""},
        {"hints", nlohmann::json::array()},
        {"privileged", false},
        {"max_workers", 1},
        {"mem_limit", nullptr},
        {"max_cpus", nullptr},
        {"use_container_uid", false},
        {"default_environment", nlohmann::json::object()},
        {"create_time", c.started},
        {"last_update_time", c.started},
        {"mounts", nlohmann::json::array()},
        {"revision", 1},
        {"tasdir", nullptr},
        {"uid", nullptr},
        {"gid", nullptr},
        {"queue", "default"},
        {"log_ex", nullptr},
        {"cron_on", false},
        {"cron_schedule", nullptr},
        {"cron_next_ex", nullptr},
        {"_links",
         {{"self", links.actor()},
          {"owner", links.profile(c.owner)},
          {"executions", links.actor() + "/executions"}}},
    };
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

} // namespace

void list_actors(ServerContext& ctx, const Request& req, Response& res) {
    nlohmann::json actors = nlohmann::json::array({actor_document(ctx, links_for(ctx, req))});
    reply(ctx, res, 200, "Actors retrieved successfully.", abaco_result(ctx, std::move(actors)));
}

void get_actor(ServerContext& ctx, const Request& req, Response& res) {
    reply(ctx, res, 200, "Actor retrieved successfully.",
          abaco_result(ctx, actor_document(ctx, links_for(ctx, req))));
}

void list_workers(ServerContext& ctx, const Request&, Response& res) {
    // Each pjm serve process is one worker; replicas on a shared database list themselves.
    static const std::string host = host_name();
    const ServeConfig& c = ctx.config;
    nlohmann::json workers = nlohmann::json::array({{
        {"id", c.worker_id},
        {"status", "READY"},
        {"tenant", nullptr},
        {"ch_name", nullptr},
        {"image", "pjm:" + c.version},
        {"location", host},
        {"cid", std::to_string(getpid())},
        {"host_id", host},
        {"host_ip", c.listen.host},
        {"create_time", c.started},
        {"last_execution_time", nullptr},
        {"last_health_check_time", nullptr},
    }});
    reply(ctx, res, 200, "Workers retrieved successfully.", abaco_result(ctx, std::move(workers)));
}

} // namespace pjm::server
