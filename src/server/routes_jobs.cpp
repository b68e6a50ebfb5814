// GET /actors/v2/<actorId>/jobs/<uuid>?history=&before= (the job document with one page of
// its history, docs/protocol.md#history-pages) and GET …/jobs?state=&pipeline=&limit=&all=
// &cursor=&since=&until= (a page of documents without history, most recently updated first;
// hidden jobs only with all=true; docs/protocol.md#job-lists).
// GET …/jobs/counts: jobs per state. A pjm extension: job documents, never salts.
#include "core/reads.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <map>
#include <mutex>

namespace pjm::server {

void get_job(ServerContext& ctx, const Request& req, Response& res) {
    auto query = query_of(req);
    if (!query) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    if (auto why = repeated_parameter(*query, {"history", "before"}); !why.empty())
        return reply(ctx, res, 400, why);
    auto window = core::parse_history_query(
        {query->get("history").value_or(""), query->get("before").value_or("")});
    if (!window.ok()) return reply(ctx, res, core::http_status(window.kind), window.message);
    core::Result<core::Job> job;
    {
        auto storage = ctx.reads.acquire();
        job = core::read_job(*storage, req.matches[2], window.value);
    }
    if (!job.ok()) return reply(ctx, res, core::http_status(job.kind), job.message);
    reply(ctx, res, 200, status_message(200), core::to_document(job.value, true));
}

namespace {

bool truthy(const std::string& v) {
    return v == "1" || v == "true" || v == "yes" || v == "on";
}

} // namespace

void list_jobs(ServerContext& ctx, const Request& req, Response& res) {
    auto query = query_of(req);
    if (!query) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    if (auto why = repeated_parameter(
            *query, {"state", "pipeline", "limit", "all", "cursor", "since", "until"});
        !why.empty())
        return reply(ctx, res, 400, why);
    auto all = query->get("all");
    auto filter = core::parse_job_query(
        {query->get("state").value_or(""), query->get("pipeline").value_or(""),
         query->get("limit").value_or(""), all && truthy(*all), query->get("cursor").value_or(""),
         query->get("since").value_or(""), query->get("until").value_or("")});
    if (!filter.ok()) return reply(ctx, res, core::http_status(filter.kind), filter.message);
    std::vector<core::Job> jobs;
    {
        auto storage = ctx.reads.acquire();
        jobs = storage->find_jobs(filter.value);
    }
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& j : jobs)
        docs.push_back(core::to_document(j, false));
    reply(ctx, res, 200, status_message(200), std::move(docs));
}

namespace {

// What the counts route answered lately, by query: every open dashboard asks every few
// seconds, and on PostgreSQL a count reads the jobs (SQLite keeps them counted). One answer
// serves every asker for k_counts_fresh_ms.
constexpr std::int64_t k_counts_fresh_ms = 2000;
constexpr std::size_t k_counts_kept = 64;

struct CountsCache {
    std::mutex mutex;
    std::map<std::string, std::pair<std::int64_t, nlohmann::json>> answers; // query -> (at, result)
};

CountsCache& counts_cache() {
    static CountsCache cache;
    return cache;
}

} // namespace

// GET …/jobs/counts?pipeline=&since=&until=&all=: how many jobs are in each state (the
// dashboard's counts): {"counts": {STATE: N, …} (every state), "total": N}, at most
// k_counts_fresh_ms old.
void count_jobs(ServerContext& ctx, const Request& req, Response& res) {
    auto query = query_of(req);
    if (!query) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    if (auto why = repeated_parameter(*query, {"pipeline", "all", "since", "until"}); !why.empty())
        return reply(ctx, res, 400, why);
    auto all = query->get("all");
    auto filter =
        core::parse_job_query({"", query->get("pipeline").value_or(""), "", all && truthy(*all), "",
                               query->get("since").value_or(""), query->get("until").value_or("")});
    if (!filter.ok()) return reply(ctx, res, core::http_status(filter.kind), filter.message);
    const std::string key =
        nlohmann::json{filter.value.pipeline_uuid.value_or(""), filter.value.since.value_or(""),
                       filter.value.until.value_or(""), filter.value.include_hidden}
            .dump();
    const std::int64_t now = ctx.clock.now_ms();
    CountsCache& cache = counts_cache();
    {
        std::lock_guard lock(cache.mutex);
        auto it = cache.answers.find(key);
        if (it != cache.answers.end() && now - it->second.first < k_counts_fresh_ms)
            return reply(ctx, res, 200, status_message(200), it->second.second);
    }
    std::vector<std::pair<core::State, std::int64_t>> found;
    {
        auto storage = ctx.reads.acquire();
        found = storage->count_jobs(filter.value);
    }
    nlohmann::json counts = nlohmann::json::object();
    for (core::State s : core::all_states())
        counts[std::string(core::to_string(s))] = 0;
    std::int64_t total = 0;
    for (const auto& [state, n] : found) {
        counts[std::string(core::to_string(state))] = n;
        total += n;
    }
    nlohmann::json result = {{"counts", counts}, {"total", total}};
    {
        std::lock_guard lock(cache.mutex);
        if (cache.answers.size() >= k_counts_kept) cache.answers.clear();
        cache.answers[key] = {now, result};
    }
    reply(ctx, res, 200, status_message(200), std::move(result));
}

} // namespace pjm::server
