// GET /healthz (the database answers) and GET /metrics (Prometheus text). Neither needs
// credentials, and neither tells anything about jobs.
#include "server/envelope.hpp"
#include "server/routes.hpp"

namespace pjm::server {

void get_health(ServerContext& ctx, const Request&, Response& res) {
    try {
        auto storage = ctx.reads.acquire();
        storage->get_setting("schema_version");
    } catch (const std::exception&) {
        return reply(ctx, res, 500, "the database does not answer");
    }
    // Reads may work on a database that takes no writes (a full disk): not healthy.
    if (auto why = ctx.writer.failing())
        return reply(ctx, res, 503, "the database does not take writes: " + *why);
    reply(ctx, res, 200, "ok", {{"status", "ok"}, {"actor_id", ctx.config.actor_id}});
}

void get_metrics(ServerContext& ctx, const Request&, Response& res) {
    res.status = 200;
    std::string text = ctx.metrics.render();
    text += "# HELP pjm_writer_batches_total Transactions the writer ran, each holding one or "
            "more messages (group commit).\n"
            "# TYPE pjm_writer_batches_total counter\n"
            "pjm_writer_batches_total " +
            std::to_string(ctx.writer.batches()) + "\n";
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace pjm::server
