#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"

namespace pjm::cli {

namespace {
struct DeleteArgs {
    std::string uuid;
    std::string token;
    bool force = false;
};
} // namespace

void add_delete_command(Command& root, Context& ctx) {
    auto args = std::make_shared<DeleteArgs>();
    auto& sub = root.sub("delete", "Delete a job: hide it, or remove it with --force");
    sub.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub.option("--token", args->token, "An admin token (default: PJM_TOKEN)");
    sub.flag("--force", args->force, "Remove the job and its whole history for good");
    sub.footer(examples({
        "pjm --local delete 10715620-ae90-5b92-bf4e-fbd491c21e03 --token \"$(pjm --local token "
        "admin)\"",
        "PJM_TOKEN=$(pjm token admin) pjm --local delete 107... --force",
    }));
    sub.on_run([&ctx, args] {
        nlohmann::json body = {{"uuid", ctx.job_uuid(args->uuid)}, {"action", "delete"}};
        if (args->force) body["force"] = true;
        if (auto token = ctx.token(args->token)) body["token"] = *token;
        return deliver(ctx, body, {});
    });
}

} // namespace pjm::cli
