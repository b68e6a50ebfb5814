#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/typed_uuid.hpp"

#include <CLI/CLI.hpp>

namespace pjm::cli {

namespace {
struct StatusArgs {
    std::string uuid;
    std::string execution;
};

int run_status(Context& ctx, const StatusArgs& a) {
    if (!a.execution.empty())
        throw CliError(core::ErrorKind::remote,
                       "--execution needs a manager over HTTP, which this build cannot reach yet");
    if (!ctx.local())
        usage_error("status reads the local database: add --local (reading a remote manager's "
                    "jobs comes with HTTP support)");
    std::string uuid = ctx.job_uuid(a.uuid);
    if (!core::is_typed_uuid(uuid, core::UuidType::job))
        throw CliError(core::ErrorKind::invalid,
                       "'" + uuid + "' is not a job UUID (107xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    auto job = ctx.storage().get_job(uuid, true);
    if (!job)
        throw CliError(core::ErrorKind::not_found,
                       "job " + uuid + " not found (never created here, or force-deleted)");
    if (ctx.flags.json)
        print_json(core::to_document(*job));
    else
        print_job_human(*job);
    return 0;
}
} // namespace

void add_status_command(CLI::App& app, Context& ctx, Commands& commands) {
    auto args = std::make_shared<StatusArgs>();
    auto* sub = app.add_subcommand("status", "Show a job: state, fields and history");
    sub->add_option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub->add_option("--execution", args->execution, "Show a manager execution instead");
    sub->footer(examples({
        "pjm --local status 1073f4ff-c2b9-5190-bd9a-e6a406d9796a",
        "pjm --local --json status \"$PJM_JOB_UUID\"",
    }));
    commands.on(sub, [&ctx, args] { return run_status(ctx, *args); });
}

} // namespace pjm::cli
