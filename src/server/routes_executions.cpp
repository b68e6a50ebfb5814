// GET /actors/v2/<actorId>/executions/<id> and …/logs: the execution recorded for each handled
// message (status COMPLETE, exit code, times; the log says what happened).
#include "server/envelope.hpp"
#include "server/routes.hpp"

namespace pjm::server {

namespace {

// The execution named in the path, or nothing after writing the 404.
std::optional<store::Execution> find_execution(ServerContext& ctx, const Request& req,
                                               Response& res) {
    std::string id = req.matches[2];
    std::optional<store::Execution> e;
    if (plausible_execution_id(id)) {
        auto storage = ctx.reads.acquire();
        e = storage->get_execution(id);
    }
    if (!e || e->actor_id != ctx.config.actor_id) {
        reply(ctx, res, 404,
              "execution " + std::string(plausible_execution_id(id) ? id : "?") +
                  " not found for actor " + ctx.config.actor_id);
        return std::nullopt;
    }
    return e;
}

} // namespace

void get_execution(ServerContext& ctx, const Request& req, Response& res) {
    if (auto e = find_execution(ctx, req, res))
        reply(ctx, res, 200, status_message(200), execution_document(*e, links_for(ctx, req)));
}

void get_execution_logs(ServerContext& ctx, const Request& req, Response& res) {
    if (auto e = find_execution(ctx, req, res))
        reply(ctx, res, 200, status_message(200), logs_document(*e, links_for(ctx, req)));
}

} // namespace pjm::server
