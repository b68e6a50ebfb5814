#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/output.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/timefmt.hpp"
#include "core/typed_uuid.hpp"
#include "store/store.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

struct PipelineArgs {
    std::string name;
    std::string uuid;
    std::string description;
};

int run_add(Context& ctx, const PipelineArgs& a) {
    if (!ctx.local()) usage_error("pipelines are registered in the database: add --local");
    if (a.name.empty()) usage_error("--name must not be empty");
    core::UuidFactory uuids(
        ctx.settings.get_or("uuid_domain", std::string(core::k_default_uuid_domain)));
    auto added = core::register_pipeline(ctx.storage(store::Create::yes), uuids, a.name, a.uuid,
                                         a.description, ctx.clock);
    if (!added.ok()) throw CliError(added.kind, added.message);
    const core::Pipeline& p = added.value;
    if (ctx.flags.json)
        print_json(core::to_json(p));
    else
        std::cout << p.uuid << '\n';
    return 0;
}

int run_list(Context& ctx) {
    if (!ctx.local()) usage_error("pipelines are listed from the database: add --local");
    auto pipelines = ctx.storage().list_pipelines();
    if (ctx.flags.json) {
        nlohmann::json docs = nlohmann::json::array();
        for (const auto& p : pipelines)
            docs.push_back(core::to_json(p));
        print_json(docs);
        return 0;
    }
    Table table;
    table.header = {"UUID", "NAME", "CREATED", "CREATED AT", "DESCRIPTION"};
    table.optional = {3};
    table.clip_last = true;
    for (const auto& p : pipelines)
        table.rows.push_back({p.uuid, p.name, ago(p.created, ctx.clock), p.created, p.description});
    print_table(table);
    return 0;
}

} // namespace

void add_pipeline_command(Command& root, Context& ctx) {
    auto args = std::make_shared<PipelineArgs>();
    auto& sub = root.sub("pipeline", "Register and list pipelines (local mode)");
    sub.require_subcommand(1);
    sub.footer(examples(
        {"PIPELINE=$(pjm --local pipeline add --name rnaseq)", "pjm --local pipeline list"}));
    auto& add = sub.sub("add", "Register a pipeline; prints its UUID");
    add.option("--name", args->name, "The pipeline's name").required();
    add.option("--uuid", args->uuid, "Its UUID (default: derived from the name)");
    add.option("--description", args->description, "What the pipeline does");
    add.footer(examples(
        {"PIPELINE=$(pjm --local pipeline add --name rnaseq --description 'RNA-seq v2')"}));
    add.on_run([&ctx, args] { return run_add(ctx, *args); });
    auto& list = sub.sub("list", "List registered pipelines");
    list.footer(examples({"pjm --local pipeline list", "pjm --local --json pipeline list"}));
    list.on_run([&ctx] { return run_list(ctx); });
}

} // namespace pjm::cli
