// GET /actors/v2/<actorId>/executions/<id> and …/logs: the execution recorded for each handled
// message (status COMPLETE, exit code, times; the log says what happened); GET …/executions:
// a page of them, newest first, with the actor's totals.
#include "core/reads.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <charconv>
#include <utility>

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

// GET …/executions: 100 executions a page unless limit= asks for another count, at most 1000.
constexpr std::size_t k_executions_page = 100;
constexpr std::size_t k_executions_page_max = 1000;

// The page GET …/executions asks for: limit (1 to 1000, default 100) and offset (or skip, as
// Abaco's search calls it; default 0). Nothing after writing the 400.
std::optional<std::pair<std::size_t, std::size_t>> page_of(ServerContext& ctx, const Request& req,
                                                           Response& res) {
    auto query = query_of(req);
    if (!query) {
        reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
        return std::nullopt;
    }
    if (auto why = repeated_parameter(*query, {"limit", "offset", "skip"}); !why.empty()) {
        reply(ctx, res, 400, why);
        return std::nullopt;
    }
    auto number = [&](const char* key, std::size_t low, std::size_t high,
                      std::size_t fallback) -> std::optional<std::size_t> {
        auto text = query->get(key);
        if (!text) return fallback;
        std::size_t v = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
        if (ec != std::errc() || end != text->data() + text->size() || v < low || v > high) {
            reply(ctx, res, 400,
                  std::string(key) + " must be a whole number from " + std::to_string(low) +
                      " to " + std::to_string(high) + ", not " + core::quoted_value(*text));
            return std::nullopt;
        }
        return v;
    };
    if (query->has("offset") && query->has("skip")) {
        reply(ctx, res, 400, "give offset or skip (the same thing), not both");
        return std::nullopt;
    }
    auto limit = number("limit", 1, k_executions_page_max, k_executions_page);
    if (!limit) return std::nullopt;
    constexpr std::size_t k_far = 1'000'000'000'000;
    auto offset = number(query->has("skip") ? "skip" : "offset", 0, k_far, 0);
    if (!offset) return std::nullopt;
    return std::make_pair(*limit, *offset);
}

} // namespace

void list_executions(ServerContext& ctx, const Request& req, Response& res) {
    auto page = page_of(ctx, req, res);
    if (!page) return;
    store::ExecutionPage found;
    {
        auto storage = ctx.reads.acquire();
        found = storage->list_executions(ctx.config.actor_id, page->first, page->second);
    }
    nlohmann::json summary = executions_summary(found, links_for(ctx, req));
    for (auto& item : summary["executions"])
        item = abaco_result(ctx, std::move(item));
    reply(ctx, res, 200, "Actor executions retrieved successfully.",
          abaco_result(ctx, std::move(summary)));
}

// GET …/jobs/<uuid>/executions?limit=: the executions of the messages that named the job,
// newest first, each with its logs (the dashboard's job page). A pjm extension.
void list_job_executions(ServerContext& ctx, const Request& req, Response& res) {
    const std::string& job = req.matches[2];
    if (!core::is_typed_uuid(job, core::UuidType::job)) {
        core::Error e = core::not_a_job_uuid(job);
        return reply(ctx, res, core::http_status(e.kind), e.message);
    }
    auto page = page_of(ctx, req, res);
    if (!page) return;
    std::vector<store::Execution> found;
    {
        auto storage = ctx.reads.acquire();
        found = storage->list_job_executions(ctx.config.actor_id, job, page->first);
    }
    Links links = links_for(ctx, req);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : found) {
        nlohmann::json doc = execution_document(e, links);
        doc["logs"] = e.log;
        out.push_back(abaco_result(ctx, std::move(doc)));
    }
    reply(ctx, res, 200, "Job executions retrieved successfully.", std::move(out));
}

void get_execution(ServerContext& ctx, const Request& req, Response& res) {
    if (auto e = find_execution(ctx, req, res))
        reply(ctx, res, 200, "Actor execution retrieved successfully.",
              abaco_result(ctx, execution_document(*e, links_for(ctx, req))));
}

void get_execution_logs(ServerContext& ctx, const Request& req, Response& res) {
    if (auto e = find_execution(ctx, req, res))
        reply(ctx, res, 200, "Logs retrieved successfully.",
              abaco_result(ctx, logs_document(*e, links_for(ctx, req))));
}

} // namespace pjm::server
