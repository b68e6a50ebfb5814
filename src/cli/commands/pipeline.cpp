#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/output.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/timefmt.hpp"
#include "core/typed_uuid.hpp"
#include "remote/abaco_client.hpp"
#include "store/store.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

struct PipelineArgs {
    std::string name;
    std::string uuid;
    std::string description;
};

// A pipeline document from the manager, or exit 7 naming what is wrong with it.
core::Pipeline pipeline_from(const nlohmann::json& doc) {
    if (doc.is_object() && doc.contains("uuid") && doc["uuid"].is_string() &&
        doc.contains("name") && doc["name"].is_string())
        return {doc["uuid"], doc["name"], doc.value("description", ""), doc.value("created", "")};
    throw CliError(core::ErrorKind::remote,
                   "the manager sent a pipeline pjm cannot read: " + doc.dump().substr(0, 200));
}

void need_admin_credential(Context& ctx, const char* what) {
    if (!ctx.settings.get("admin_credential"))
        usage_error(std::string(what) +
                    " through the manager needs its admin credential: set "
                    "PJM_ADMIN_CREDENTIAL_FILE (or admin_credential_file in the config file, "
                    "or PJM_ADMIN_CREDENTIAL); or add --local to work on a database");
}

core::Pipeline add_remotely(Context& ctx, const PipelineArgs& a) {
    need_admin_credential(ctx, "registering a pipeline");
    nlohmann::json body = {{"name", a.name}};
    if (!a.uuid.empty()) body["uuid"] = a.uuid;
    if (!a.description.empty()) body["description"] = a.description;
    return pipeline_from(route_result(ctx.client().add_pipeline(body), "pipelines"));
}

int run_add(Context& ctx, const PipelineArgs& a) {
    if (a.name.empty()) usage_error("--name must not be empty");
    core::Pipeline p;
    if (ctx.local()) {
        core::UuidFactory uuids(
            ctx.settings.get_or("uuid_domain", std::string(core::k_default_uuid_domain)));
        auto added = core::register_pipeline(ctx.storage(store::Create::yes), uuids, a.name, a.uuid,
                                             a.description, ctx.clock);
        if (!added.ok()) throw CliError(added.kind, added.message);
        p = added.value;
    } else {
        p = add_remotely(ctx, a);
    }
    if (ctx.flags.json)
        print_json(core::to_json(p));
    else
        std::cout << p.uuid << '\n';
    return 0;
}

std::vector<core::Pipeline> list_remotely(Context& ctx) {
    remote::Reply r = ctx.client().list_pipelines();
    const nlohmann::json& docs = route_result(r, "pipelines");
    if (!docs.is_array())
        throw CliError(core::ErrorKind::remote, "the manager's pipeline list is not a list");
    std::vector<core::Pipeline> out;
    for (const auto& doc : docs)
        out.push_back(pipeline_from(doc));
    return out;
}

int run_list(Context& ctx) {
    auto pipelines = ctx.local() ? ctx.storage().list_pipelines() : list_remotely(ctx);
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
    auto& sub = root.sub("pipeline",
                         "Register and list pipelines: in the database (--local) or through the "
                         "manager (its admin credential)");
    sub.require_subcommand(1);
    sub.footer(
        examples({"PIPELINE=$(pjm --local pipeline add --name rnaseq)", "pjm --local pipeline list",
                  "PJM_ADMIN_CREDENTIAL_FILE=~/.pjm-admin pjm pipeline add --name rnaseq   "
                  "(through pjm serve)"}));
    auto& add = sub.sub("add", "Register a pipeline; prints its UUID. Again with the same name "
                               "and description: the same UUID, exit 0");
    add.option("--name", args->name, "The pipeline's name").required();
    add.option("--uuid", args->uuid, "Its UUID (default: derived from the name)");
    add.option("--description", args->description, "What the pipeline does");
    add.footer(
        examples({"PIPELINE=$(pjm --local pipeline add --name rnaseq --description 'RNA-seq v2')",
                  "PJM_URL=https://pjm.example.org/actors/v2/pjm/messages "
                  "PJM_ADMIN_CREDENTIAL_FILE=~/.pjm-admin pjm pipeline add --name rnaseq"}));
    add.on_run([&ctx, args] { return run_add(ctx, *args); });
    auto& list = sub.sub("list", "List registered pipelines");
    list.footer(examples({"pjm --local pipeline list", "pjm --local --json pipeline list",
                          "pjm pipeline list   (from the manager: message or admin credential)"}));
    list.on_run([&ctx] { return run_list(ctx); });
}

} // namespace pjm::cli
