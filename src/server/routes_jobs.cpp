// GET /actors/v2/<actorId>/jobs/<uuid> (the job document with its history) and
// GET …/jobs?state=&pipeline=&limit=&all= (documents without history, most recently updated
// first; hidden jobs only with all=true). A pjm extension: job documents, never salts.
#include "core/typed_uuid.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <charconv>

namespace pjm::server {

void get_job(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader*) {
    if (!admit(ctx, req, res)) return;
    std::string uuid = req.matches[2].str();
    if (!core::is_typed_uuid(uuid, core::UuidType::job))
        return reply(ctx, res, 400,
                     "'" + std::string(plausible_execution_id(uuid) ? uuid : "?") +
                         "' is not a job UUID (107xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    std::optional<core::Job> job;
    {
        auto storage = ctx.reads.acquire();
        job = storage->get_job(uuid, true);
    }
    if (!job)
        return reply(ctx, res, 404,
                     "job " + uuid + " not found (never created here, or force-deleted)");
    reply(ctx, res, 200, status_message(200), core::to_document(*job, true));
}

namespace {

bool truthy(const std::string& v) {
    return v == "1" || v == "true" || v == "yes" || v == "on";
}

} // namespace

void list_jobs(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader*) {
    if (!admit(ctx, req, res)) return;
    auto query = query_of(req);
    if (!query) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    core::JobFilter filter;
    if (auto state = query->get("state"); state && !state->empty()) {
        filter.state = core::parse_state(*state);
        if (!filter.state) {
            std::string states;
            for (auto s : core::all_states())
                states += " " + std::string(core::to_string(s));
            return reply(ctx, res, 400, "unknown state; states:" + states);
        }
    }
    if (auto pipeline = query->get("pipeline"); pipeline && !pipeline->empty()) {
        if (!core::is_typed_uuid(*pipeline, core::UuidType::pipeline))
            return reply(ctx, res, 400,
                         "pipeline is not a pipeline UUID (106xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        filter.pipeline_uuid = *pipeline;
    }
    if (auto limit = query->get("limit"); limit && !limit->empty()) {
        std::size_t n = 0;
        auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
        if (ec != std::errc() || end != limit->data() + limit->size() || n == 0)
            return reply(ctx, res, 400, "limit must be a positive whole number");
        filter.limit = n;
    }
    if (auto all = query->get("all")) filter.include_hidden = truthy(*all);
    std::vector<core::Job> jobs;
    {
        auto storage = ctx.reads.acquire();
        jobs = storage->find_jobs(filter);
    }
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& j : jobs)
        docs.push_back(core::to_document(j, false));
    reply(ctx, res, 200, status_message(200), std::move(docs));
}

} // namespace pjm::server
