// GET /healthz (the database answers) and GET /metrics (Prometheus text). Neither needs
// credentials, and neither tells anything about jobs.
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <regex>

namespace pjm::server {

void add_service_routes(httplib::Server& server, ServerContext& ctx) {
    server.Get("/healthz", [&ctx](const httplib::Request&, httplib::Response& res) {
        try {
            auto storage = ctx.reads.acquire();
            storage->get_setting("schema_version");
        } catch (const std::exception&) {
            return reply(ctx, res, 500, "the database does not answer");
        }
        reply(ctx, res, 200, "ok", {{"status", "ok"}, {"actor_id", ctx.config.actor_id}});
    });
    server.Get("/metrics", [&ctx](const httplib::Request&, httplib::Response& res) {
        res.status = 200;
        std::string text = ctx.metrics.render();
        text += "# HELP pjm_writer_batches_total Transactions the writer ran, each holding one or "
                "more messages (group commit).\n"
                "# TYPE pjm_writer_batches_total counter\n"
                "pjm_writer_batches_total " +
                std::to_string(ctx.writer.batches()) + "\n";
        res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
    });
}

std::string allowed_methods(const std::string& path) {
    static const std::regex messages(k_messages_route);
    static const std::regex others[] = {std::regex(k_execution_route), std::regex(k_logs_route),
                                        std::regex(k_job_route),       std::regex(k_jobs_route),
                                        std::regex("/healthz"),        std::regex("/metrics")};
    if (std::regex_match(path, messages)) return "GET, HEAD, POST";
    for (const auto& route : others)
        if (std::regex_match(path, route)) return "GET, HEAD";
    return {};
}

namespace {

void refuse_method(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    std::string allowed = allowed_methods(req.path);
    if (allowed.empty())
        return reply(ctx, res, 404, "no route " + req.method + " " + loggable_target(req.path));
    res.set_header("Allow", allowed);
    reply(ctx, res, 405,
          req.method + " is not allowed on " + loggable_target(req.path) + "; it answers " +
              allowed);
}

} // namespace

void add_fallback_routes(httplib::Server& server, ServerContext& ctx) {
    auto with_body = [&ctx](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
        refuse_method(ctx, req, res);
        drop_body(req, res, reader);
    };
    auto without_body = [&ctx](const httplib::Request& req, httplib::Response& res) {
        refuse_method(ctx, req, res);
    };
    server.Post(".*", with_body);
    server.Put(".*", with_body);
    server.Patch(".*", with_body);
    server.Delete(".*", with_body);
    server.Delete(".*", without_body);
    server.Options(".*", without_body);
}

} // namespace pjm::server
