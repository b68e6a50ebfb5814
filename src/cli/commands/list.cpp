#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/output.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "remote/abaco_client.hpp"

#include <iostream>

namespace pjm::cli {

namespace {
struct ListArgs {
    std::string state;
    std::string pipeline;
    std::string limit;
    bool all = false;
    std::string cursor;
    std::string since;
    std::string until;
};

int run_list(Context& ctx, const ListArgs& a) {
    // Option values the manager would refuse are usage errors here.
    std::string pipeline = a.pipeline.empty() ? "" : ctx.pipeline_uuid(a.pipeline, "--pipeline");
    auto parsed =
        core::parse_job_query({a.state, pipeline, a.limit, a.all, a.cursor, a.since, a.until});
    if (!parsed.ok()) usage_error(parsed.message);
    const core::JobFilter& filter = parsed.value;
    std::vector<core::Job> jobs;
    if (ctx.local()) {
        jobs = ctx.storage().find_jobs(filter);
    } else {
        core::QueryParams q;
        if (filter.state) q.add("state", std::string(core::to_string(*filter.state)));
        if (filter.pipeline_uuid) q.add("pipeline", *filter.pipeline_uuid);
        if (filter.limit) q.add("limit", std::to_string(filter.limit));
        if (filter.include_hidden) q.add("all", "true");
        if (!a.cursor.empty()) q.add("cursor", a.cursor);
        if (filter.since) q.add("since", *filter.since);
        if (filter.until) q.add("until", *filter.until);
        remote::Reply r = ctx.client().list_jobs(q);
        if (r.kind == core::ErrorKind::not_found)
            throw CliError(core::ErrorKind::not_found,
                           "the manager does not offer the jobs route (a plain Abaco actor?): " +
                               r.message);
        if (!r.ok()) throw CliError(r.kind, r.message);
        try {
            for (const auto& doc : r.result)
                jobs.push_back(core::job_from_document(doc));
        } catch (const std::exception& e) {
            throw CliError(core::ErrorKind::remote,
                           std::string("the manager sent a job list pjm cannot read: ") + e.what());
        }
    }
    if (ctx.flags.json) {
        nlohmann::json docs = nlohmann::json::array();
        for (const auto& j : jobs)
            docs.push_back(core::to_document(j, false));
        print_json(docs);
        return 0;
    }
    Table table;
    table.header = {"UUID", "STATE", "LAST EVENT", "UPDATED", "UPDATED AT", "PIPELINE"};
    table.optional = {4, 5}; // on a narrow terminal: the absolute time, then the pipeline
    for (const auto& j : jobs)
        table.rows.push_back({j.uuid,
                              Cell(std::vector<Cell::Span>{
                                  {std::string(core::to_string(j.state)), state_color(j.state)},
                                  {j.visible ? "" : "*", Color::none}}),
                              j.last_event, ago(j.updated, ctx.clock), j.updated, j.pipeline_uuid});
    print_table(table);
    if (a.all) std::cout << "(* deleted)\n";
    // A full page: there may be more, after the last job listed.
    if (jobs.size() == filter.limit)
        std::cout << "(a page of " << filter.limit << "; the next: add --cursor "
                  << core::next_cursor(jobs.back()) << ")\n";
    return 0;
}
} // namespace

void add_list_command(Command& root, Context& ctx) {
    auto args = std::make_shared<ListArgs>();
    auto& sub = root.sub("list", "List jobs, most recently updated first");
    sub.option("--state", args->state, "Only jobs in this state (e.g. RUNNING)");
    sub.option("--pipeline", args->pipeline, "Only jobs of this pipeline (its UUID or name)")
        .type_name("PIPELINE");
    sub.option("--limit", args->limit, "Jobs in the page, 1 to 10000 (default 100)").type_name("N");
    sub.option("--cursor", args->cursor,
               "The page after this job: UPDATED,UUID of the last job of the page before (as "
               "printed under a full page)")
        .type_name("CURSOR");
    sub.option("--since", args->since, "Only jobs updated at or after this RFC 3339 time")
        .type_name("TIME");
    sub.option("--until", args->until, "Only jobs updated before this RFC 3339 time")
        .type_name("TIME");
    sub.flag("--all", args->all, "Include deleted (hidden) jobs");
    sub.footer(
        examples({"pjm --local list --state RUNNING", "pjm --local --json list --limit 10",
                  "pjm --local list --since 2026-12-01T00:00:00Z --state FAILED",
                  "pjm --local list --template '{updated},{uuid}' | tail -1   (the next page's "
                  "--cursor)"}));
    sub.on_run([&ctx, args] { return run_list(ctx, *args); });
}

} // namespace pjm::cli
