#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/input.hpp"

namespace pjm::cli {

namespace {
struct CreateArgs {
    std::string pipeline;
    std::string archive_path;
    std::string archive_system;
    std::string data;
    Option* data_option = nullptr;
    std::string session;
};
} // namespace

void add_create_command(Command& root, Context& ctx) {
    auto args = std::make_shared<CreateArgs>();
    auto& sub = root.sub("create", "Create a job for a registered pipeline");
    sub.option("--pipeline", args->pipeline,
               "The pipeline: its UUID (106…) or its name (with --local, looked up; otherwise "
               "the UUID 'pipeline add' derives from the name)")
        .type_name("PIPELINE")
        .required();
    sub.option("--archive-path", args->archive_path, "Where the outputs are archived").required();
    sub.option("--archive-system", args->archive_system, "Storage system of the archive");
    args->data_option =
        &sub.option("--data", args->data,
                    "The run's parameters, a JSON object: inline, @file, or - (default {})");
    sub.option("--session", args->session, "A correlation string");
    sub.footer(
        R"(
The job's UUID is derived from the pipeline and --data alone (not the archive path or the
time): the same pipeline and data always give the same UUID, so a job can be found again from
what defines it, and creating it twice exits 6 (conflict). When two runs really share their
data (a rerun, the same sample on two dates), put what tells them apart into --data, e.g. the
scheduler's job id: --data "{\"sample\": 7, \"slurm_job\": \"$SLURM_JOB_ID\"}".
)" + examples({
         "pjm --local create --pipeline rnaseq --archive-path /work/run1 --data '{\"sample\": 7}'",
         "pjm --local --json create --pipeline 106... --archive-path /work/run1   (uuid and "
         "token as JSON)",
     }));
    sub.on_run([&ctx, args] {
        nlohmann::json body = {{"pipeline_uuid", ctx.pipeline_uuid(args->pipeline, "--pipeline")},
                               {"archive_path", args->archive_path}};
        body["data"] = !args->data_option->given() ? nlohmann::json::object()
                                                   : read_json_argument(args->data, "--data");
        if (!args->archive_system.empty()) body["archive_system"] = args->archive_system;
        if (!args->session.empty()) body["session"] = args->session;
        return deliver(ctx, body, {});
    });
}

} // namespace pjm::cli
