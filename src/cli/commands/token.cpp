#include "core/token.hpp"

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/timefmt.hpp"
#include "core/token.hpp"
#include "core/typed_uuid.hpp"
#include "remote/abaco_client.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

struct TokenArgs {
    std::string key;
    std::int64_t lifetime = 0;
    std::int64_t at = -1;
    std::string uuid;
    std::string token;
    std::string job;
};

core::AdminConfig admin_for(Context& ctx, const TokenArgs& a) {
    core::AdminConfig cfg = ctx.admin_config(ctx.local());
    if (!a.key.empty()) cfg.key = a.key;
    if (a.lifetime > 0) cfg.lifetime = a.lifetime;
    if (cfg.secret.empty())
        usage_error("no admin secret: set PJM_ADMIN_SECRET or admin_secret_file in the config "
                    "file, or add --local to use the database's own secret, or set "
                    "PJM_ADMIN_CREDENTIAL_FILE to get the token from the manager");
    return cfg;
}

core::Job load_job(Context& ctx, const std::string& uuid) {
    auto read = core::read_job(ctx.storage(), uuid, core::HistoryWindow::none());
    if (!read.ok()) throw CliError(read.kind, read.message);
    return std::move(read.value);
}

void print_token(Context& ctx, const std::string& token, std::optional<std::int64_t> expires) {
    if (ctx.flags.json) {
        nlohmann::json doc = {{"token", token}, {"expires", nullptr}};
        if (expires) doc["expires"] = core::rfc3339_ms(*expires * 1000);
        print_json(doc);
    } else {
        std::cout << token << '\n';
    }
}

// No admin secret here, in client mode, with the manager's admin credential: the manager makes
// the token with its own secret.
int admin_from_manager(Context& ctx, const TokenArgs& a) {
    if (!a.key.empty() || a.lifetime > 0 || a.at >= 0)
        usage_error("--key, --lifetime and --at make a token with an admin secret; the manager "
                    "makes its own (for the current window): drop them, or set the secret");
    remote::Reply r = ctx.client().admin_token();
    const nlohmann::json& result = route_result(r, "admin-token");
    if (!result.is_object() || !result.contains("token") || !result["token"].is_string())
        throw CliError(core::ErrorKind::remote, "the manager's reply holds no admin token");
    std::string token = result["token"];
    if (ctx.flags.json)
        print_json({{"token", token}, {"expires", result.value("expires", nlohmann::json())}});
    else
        std::cout << token << '\n';
    return 0;
}

int run_admin(Context& ctx, const TokenArgs& a) {
    if (!ctx.local() && !ctx.settings.get("admin_secret") && ctx.settings.get("admin_credential"))
        return admin_from_manager(ctx, a);
    auto cfg = admin_for(ctx, a);
    std::int64_t at = a.at >= 0 ? a.at : ctx.clock.now_s();
    // Valid through the next window as well (the current and previous windows are accepted).
    print_token(ctx, core::admin_token(cfg, at), core::admin_token_expires(cfg, at) + cfg.lifetime);
    return 0;
}

int run_job(Context& ctx, const TokenArgs& a) {
    if (!ctx.local())
        usage_error("'token job' reads the job's salt from the database: add --local");
    auto job = load_job(ctx, ctx.job_uuid(a.uuid));
    print_token(ctx, core::job_token(job.salt, job.uuid), std::nullopt);
    return 0;
}

int run_verify(Context& ctx, const TokenArgs& a) {
    std::string kind;
    if (!a.job.empty()) {
        if (!ctx.local()) usage_error("verifying a job token reads the database: add --local");
        auto job = load_job(ctx, a.job);
        if (core::constant_time_equal(a.token, core::job_token(job.salt, job.uuid))) kind = "job";
    }
    core::AdminConfig cfg = ctx.admin_config(ctx.local());
    if (kind.empty() && core::admin_token_valid(cfg, a.token, ctx.clock.now_s())) kind = "admin";
    if (kind.empty()) {
        std::string why = "token is not valid";
        why += a.job.empty() ? " as an admin token" : " for that job, nor as an admin token";
        if (cfg.secret.empty())
            why += " (no admin secret is configured: set PJM_ADMIN_SECRET or admin_secret_file, "
                   "or add --local to use the database's own)";
        throw CliError(core::ErrorKind::unauthorized, why);
    }
    if (ctx.flags.json)
        print_json({{"valid", true}, {"kind", kind}});
    else
        std::cout << "valid: " << (kind == "job" ? "job token of " + a.job : "admin token") << '\n';
    return 0;
}

} // namespace

void add_token_command(Command& root, Context& ctx) {
    auto args = std::make_shared<TokenArgs>();
    auto& sub = root.sub("token", "Make or check admin and job tokens");
    sub.require_subcommand(1);
    sub.footer(examples({"TOKEN=$(pjm --local token admin)", "pjm --local token job 107...",
                         "pjm --local token verify \"$TOKEN\" --job 107..."}));

    auto& admin = sub.sub("admin", "Print an admin token for the current time window");
    admin.option("--key", args->key, "Admin key (default: PJM_ADMIN_KEY or 'pjm')");
    admin.option("--lifetime", args->lifetime, "Window length in seconds (default 3600)")
        .positive();
    admin.option("--at", args->at, "Unix time to make the token for (default: now)").non_negative();
    admin.footer(examples({"TOKEN=$(pjm --local token admin)",
                           "TOKEN=$(PJM_ADMIN_CREDENTIAL_FILE=~/.pjm-admin pjm token admin)   "
                           "(from the manager)",
                           "PJM_ADMIN_SECRET=s3cret pjm token admin --at 1700000000",
                           "pjm --json token admin     ({\"token\": …, \"expires\": …})"}));
    admin.on_run([&ctx, args] { return run_admin(ctx, *args); });

    auto& job = sub.sub("job", "Print a job's own token (local mode)");
    job.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    job.footer(examples({"PJM_TOKEN=$(pjm --local token job 107...)"}));
    job.on_run([&ctx, args] { return run_job(ctx, *args); });

    auto& verify = sub.sub("verify", "Check a token: exit 0 when valid, 5 when not");
    verify.option("token", args->token, "The token to check").required();
    verify.option("--job", args->job, "Also accept it as this job's token");
    verify.footer(examples({"pjm --local token verify 0dc73dc3ff39b49a --job 107...",
                            "pjm token verify \"$TOKEN\" && echo admin"}));
    verify.on_run([&ctx, args] { return run_verify(ctx, *args); });
}

} // namespace pjm::cli
