#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/key_case.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/typed_uuid.hpp"
#include "remote/abaco_client.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

namespace pjm::cli {

namespace {
struct StatusArgs {
    std::string uuid;
    std::string execution;
    std::string history; // entries per page, as text: core::parse_history_query words refusals
    std::string before;
    bool follow = false;
    std::vector<std::string> until; // states that end --follow
    double interval = 2;            // seconds between two reads while following
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

core::Job remote_job(Context& ctx, const std::string& uuid, const std::string& history,
                     const std::string& before) {
    core::QueryParams page;
    if (!history.empty()) page.add("history", history);
    if (!before.empty()) page.add("before", before);
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

// The job with one page of its history (`history` entries below `before`, as the options and
// URL parameters give them), from the database or the manager.
core::Job read_job(Context& ctx, const std::string& uuid, const std::string& history,
                   const std::string& before) {
    // Checked here in both modes, so that a bad value is refused before anything is sent.
    auto window = core::parse_history_query({history, before});
    if (!window.ok()) usage_error("--" + window.message);
    if (ctx.local()) {
        auto read = core::read_job(ctx.storage(), uuid, window.value);
        if (!read.ok()) throw CliError(read.kind, read.message);
        return std::move(read.value);
    }
    if (!core::is_typed_uuid(uuid, core::UuidType::job)) {
        core::Error e = core::not_a_job_uuid(uuid);
        throw CliError(e.kind, e.message);
    }
    return remote_job(ctx, uuid, history, before);
}

// The states that end --follow: those given, or every state but CREATED, RUNNING and RESET
// (the run has ended, one way or another).
std::vector<core::State> until_states(const std::vector<std::string>& given) {
    std::vector<core::State> out;
    for (const auto& list : given) {
        std::size_t start = 0;
        while (start <= list.size()) {
            auto comma = list.find(',', start);
            std::string text = list.substr(start, comma - start);
            auto s = core::parse_state(text);
            if (!s)
                usage_error("--until: unknown state " + core::quoted_value(text) +
                            "; 'pjm fsm' lists them");
            out.push_back(*s);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    if (out.empty())
        for (core::State s : core::all_states())
            if (s != core::State::created && s != core::State::running && s != core::State::reset)
                out.push_back(s);
    return out;
}

// --follow: the job as status shows it, then each history entry as it is recorded (read every
// `interval` seconds), until the job is in one of the --until states; then, with --json or
// --template, the job's document as status prints it (one document: the lines in between are
// for people only).
int follow(Context& ctx, const std::string& uuid, const StatusArgs& a) {
    if (!(a.interval >= 0.1 && a.interval <= 3600))
        usage_error("--interval must be from 0.1 to 3600 seconds");
    auto until = until_states(a.until);
    auto ended = [&](const core::Job& j) {
        return std::find(until.begin(), until.end(), j.state) != until.end();
    };
    core::Job job = read_job(ctx, uuid, a.history, a.before);
    if (!ctx.flags.json) print_job_human(job, ctx.clock);
    std::int64_t seen = job.event_count;
    core::State state = job.state;
    while (!ended(job)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::lround(a.interval * 1000)));
        job = read_job(ctx, uuid, "0", "");
        // The new entries, oldest first, a page (at most 1,000) at a time.
        while (seen < job.event_count) {
            std::int64_t n =
                std::min<std::int64_t>(job.event_count - seen, core::k_history_page_max);
            core::Job page = read_job(ctx, uuid, std::to_string(n), std::to_string(seen + n + 1));
            for (std::size_t i = 0; i < page.history.size(); ++i) {
                const auto& e = page.history[i];
                if (!ctx.flags.json)
                    std::cout << "  " << page.history_start + static_cast<std::int64_t>(i) << "  "
                              << e.date << "  " << e.name << "  " << json_summary(e.data, 60)
                              << '\n';
            }
            seen = page.history.empty()
                       ? job.event_count
                       : page.history_start + static_cast<std::int64_t>(page.history.size()) - 1;
        }
        if (job.state != state && !ctx.flags.json)
            std::cout << "  -> " << core::to_string(job.state) << " (" << core::describe(job.state)
                      << ")\n";
        state = job.state;
        std::cout.flush();
    }
    if (ctx.flags.json) print_json(core::to_document(read_job(ctx, uuid, a.history, a.before)));
    return 0;
}

int run_status(Context& ctx, const StatusArgs& a) {
    if (!a.execution.empty()) return show_execution(ctx, a.execution);
    std::string uuid = ctx.job_uuid(a.uuid);
    if (a.follow) return follow(ctx, uuid, a);
    if (!a.until.empty()) usage_error("--until goes with --follow");
    core::Job job = read_job(ctx, uuid, a.history, a.before);
    if (ctx.flags.json)
        print_json(core::to_document(job));
    else
        print_job_human(job, ctx.clock);
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
    sub.flag("-f,--follow", args->follow,
             "Then show each new event as it is recorded, until the job reaches a --until "
             "state; with --json or --template, print the job then, once");
    sub.option("--until", args->until,
               "States that end --follow (repeat, or comma-separate; default: any but CREATED, "
               "RUNNING and RESET)")
        .type_name("STATE");
    sub.option("--interval", args->interval, "Seconds between two reads with --follow (default 2)")
        .type_name("SECONDS")
        .positive();
    sub.footer(examples({
        "pjm --local status 1073f4ff-c2b9-5190-bd9a-e6a406d9796a",
        "pjm --local --json status \"$PJM_JOB_UUID\"",
        "pjm --local status 1073f4ff-c2b9-5190-bd9a-e6a406d9796a --before 901   (older events)",
        "pjm --url https://tenant/actors/v2/ACTOR/messages status 107...   (pjm serve's jobs "
        "route)",
        "pjm --url https://tenant/actors/v2/ACTOR/messages status --execution EXEC_ID",
        "pjm --local status --follow 107ea041   (until the run ends)",
        "STATE=$(pjm status --follow --template '{state}' \"$PJM_JOB_UUID\")",
    }));
    sub.on_run([&ctx, args] { return run_status(ctx, *args); });
}

} // namespace pjm::cli
