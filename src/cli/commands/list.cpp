#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace pjm::cli {

namespace {
struct ListArgs {
    std::string state;
    std::string pipeline;
    std::size_t limit = 0;
    bool all = false;
};

int run_list(Context& ctx, const ListArgs& a) {
    if (!ctx.local())
        usage_error("list reads the local database: add --local (listing a remote manager's "
                    "jobs comes with HTTP support)");
    core::JobFilter filter;
    if (!a.state.empty()) {
        filter.state = core::parse_state(a.state);
        if (!filter.state) {
            std::string states;
            for (auto s : core::all_states())
                states += " " + std::string(core::to_string(s));
            usage_error("unknown state '" + a.state + "'; states:" + states);
        }
    }
    if (!a.pipeline.empty()) filter.pipeline_uuid = a.pipeline;
    filter.limit = a.limit;
    filter.include_hidden = a.all;
    auto jobs = ctx.storage().find_jobs(filter);
    if (ctx.flags.json) {
        nlohmann::json docs = nlohmann::json::array();
        for (const auto& j : jobs)
            docs.push_back(core::to_document(j, false));
        print_json(docs);
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {
        {"UUID", "STATE", "LAST EVENT", "UPDATED", "PIPELINE"}};
    for (const auto& j : jobs)
        rows.push_back({j.uuid, std::string(core::to_string(j.state)) + (j.visible ? "" : "*"),
                        j.last_event, j.updated, j.pipeline_uuid});
    print_table(rows);
    if (a.all) std::cout << "(* deleted)\n";
    return 0;
}
} // namespace

void add_list_command(CLI::App& app, Context& ctx, Commands& commands) {
    auto args = std::make_shared<ListArgs>();
    auto* sub = app.add_subcommand("list", "List jobs, most recently updated first");
    sub->add_option("--state", args->state, "Only jobs in this state (e.g. RUNNING)");
    sub->add_option("--pipeline", args->pipeline, "Only jobs of this pipeline");
    sub->add_option("--limit", args->limit, "At most this many jobs")->check(CLI::PositiveNumber);
    sub->add_flag("--all", args->all, "Include deleted (hidden) jobs");
    sub->footer(
        examples({"pjm --local list --state RUNNING", "pjm --local --json list --limit 10"}));
    commands.on(sub, [&ctx, args] { return run_list(ctx, *args); });
}

} // namespace pjm::cli
