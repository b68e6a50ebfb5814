#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/key_case.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/typed_uuid.hpp"
#include "remote/abaco_client.hpp"

#include <iostream>

namespace pjm::cli {

namespace {
struct StatusArgs {
    std::string uuid;
    std::string execution;
    std::string history; // entries per page, as text: core::parse_history_query words refusals
    std::string before;
};

int show_execution(Context& ctx, const std::string& id) {
    if (ctx.local())
        usage_error("--execution asks a manager: drop --local and set --url (or PJM_URL)");
    auto client = ctx.client();
    remote::Reply r = client.get_execution(id);
    if (!r.ok()) throw CliError(r.kind, r.message);
    remote::Reply logs = client.get_execution_logs(id);
    std::string text = logs.ok() && logs.result.is_object() ? logs.result.value("logs", "") : "";
    if (ctx.flags.json) {
        nlohmann::json doc = r.result;
        doc["logs"] = text;
        print_json(doc);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const char* key : {"id", "status", "exit_code", "message_received_time", "start_time",
                            "finish_time", "worker_id", "executor"})
        if (const nlohmann::json* v = core::either_case(r.result, key); v && !v->is_null())
            rows.push_back(
                {std::string(key) + ":", v->is_string() ? v->get<std::string>() : v->dump()});
    print_table(rows);
    if (!text.empty()) std::cout << "\nlogs:\n" << text << (text.back() == '\n' ? "" : "\n");
    return 0;
}

core::Job remote_job(Context& ctx, const std::string& uuid, const StatusArgs& a) {
    core::QueryParams page;
    if (!a.history.empty()) page.add("history", a.history);
    if (!a.before.empty()) page.add("before", a.before);
    remote::Reply r = ctx.client().get_job(uuid, page);
    if (r.kind == core::ErrorKind::not_found && !r.result.is_object() &&
        r.message.find("job") == std::string::npos)
        throw CliError(core::ErrorKind::not_found,
                       "the manager does not offer the jobs route (a plain Abaco actor?); "
                       "read the job where its database is, with --local");
    if (!r.ok()) throw CliError(r.kind, r.message);
    try {
        return core::job_from_document(r.result);
    } catch (const std::invalid_argument& e) {
        throw CliError(core::ErrorKind::remote,
                       std::string("the manager sent a job document pjm cannot read: ") + e.what());
    }
}

int run_status(Context& ctx, const StatusArgs& a) {
    if (!a.execution.empty()) return show_execution(ctx, a.execution);
    std::string uuid = ctx.job_uuid(a.uuid);
    // Checked here in both modes, so that a bad value is refused before anything is sent.
    auto window = core::parse_history_query({a.history, a.before});
    if (!window.ok()) usage_error("--" + window.message);
    std::optional<core::Job> job;
    if (ctx.local()) {
        auto read = core::read_job(ctx.storage(), uuid, window.value);
        if (!read.ok()) throw CliError(read.kind, read.message);
        job = std::move(read.value);
    } else {
        if (!core::is_typed_uuid(uuid, core::UuidType::job)) {
            core::Error e = core::not_a_job_uuid(uuid);
            throw CliError(e.kind, e.message);
        }
        job = remote_job(ctx, uuid, a);
    }
    if (ctx.flags.json)
        print_json(core::to_document(*job));
    else
        print_job_human(*job, ctx.clock);
    return 0;
}
} // namespace

void add_status_command(Command& root, Context& ctx) {
    auto args = std::make_shared<StatusArgs>();
    auto& sub = root.sub("status", "Show a job: state, fields and history");
    sub.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub.option("--history", args->history,
               "History entries to show, newest last (default 100, at most 1000; 0 for none)");
    sub.option("--before", args->before,
               "Show the page of history that ends below entry N (a page's history_start)");
    sub.option("--execution", args->execution, "Show a manager execution instead");
    sub.footer(examples({
        "pjm --local status 1073f4ff-c2b9-5190-bd9a-e6a406d9796a",
        "pjm --local --json status \"$PJM_JOB_UUID\"",
        "pjm --local status 1073f4ff-c2b9-5190-bd9a-e6a406d9796a --before 901   (older events)",
        "pjm --url https://tenant/actors/v2/ACTOR/messages status 107...   (pjm serve's jobs "
        "route)",
        "pjm --url https://tenant/actors/v2/ACTOR/messages status --execution EXEC_ID",
    }));
    sub.on_run([&ctx, args] { return run_status(ctx, *args); });
}

} // namespace pjm::cli
