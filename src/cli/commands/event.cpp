#include "cli/batch.hpp"
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "core/fsm.hpp"

namespace pjm::cli {

namespace {

struct EventArgs {
    std::string name;
    std::string uuid;
    std::string token;
    std::string data;
    Option* data_option = nullptr;
    bool url_params = false;
    std::string batch;
    Option* batch_option = nullptr;
    bool fail_fast = false;
};

constexpr const char* k_batch_help =
    R"(With --batch FILE (- for standard input) each line of FILE is one event message, as
pjm schema event describes it: {"uuid": …, "name": …, "data": {…}, "token": …}. A line
without "uuid" takes PJM_JOB_UUID, one without "token" takes --token or PJM_TOKEN. Blank
lines and lines starting with # are skipped. The lines are applied (--local) or sent, with
the retries and outbox of a single event, in order and one at a time; a line that fails is
reported as "pjm: line N: …" and the next one is tried (--fail-fast stops instead). Once the
manager cannot be reached, the remaining lines go straight to the outbox, behind the first.
--json prints one object per line ({"line", "uuid", "name", "outcome", "exit_code",
"error", …}) and a last {"summary": …}; --dry-run checks every line and sends nothing.
The exit code is the worst line's, from least to worst:
  0 < 75 queued < 6 conflict < 4 not found < 5 not authorized < 3 invalid
    < 7 remote failure < 8 storage failure < 2 usage < 1 internal
(a queued line goes later by itself; a refusal needs a person, a malformed line most; a
line neither applied nor queued is lost; 2 and 1 mean pjm could not do what was asked).
)";

std::string event_names() {
    std::string out;
    for (auto e : core::all_events())
        if (e != core::Event::create)
            out += (out.empty() ? "" : ", ") + std::string(core::to_string(e));
    return out;
}

int run_event(Context& ctx, const EventArgs& a) {
    if (a.batch_option->given()) {
        if (!a.name.empty() || !a.uuid.empty())
            usage_error("--batch reads each event's name and job from FILE: give no event name "
                        "or job UUID with it (a line without \"uuid\" takes PJM_JOB_UUID)");
        return run_event_batch(ctx, {a.batch, a.token, a.fail_fast});
    }
    if (a.fail_fast) usage_error("--fail-fast only goes with --batch FILE");
    if (a.name.empty())
        usage_error("no event name: pjm event NAME [JOB-UUID], or pjm event --batch FILE");
    auto event = core::parse_event(a.name);
    if (event && *event == core::Event::create)
        throw CliError(core::ErrorKind::invalid, "'create' is not an event: use 'pjm create'");
    if (!event) {
        std::string msg = "unknown event '" + a.name + "'";
        std::string hint = core::suggest_event(a.name);
        if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
        throw CliError(core::ErrorKind::invalid, msg + "\nevents: " + event_names());
    }
    nlohmann::json data =
        a.data_option->given() ? read_json_argument(a.data, "--data") : nlohmann::json();
    if (a.url_params) {
        // The URL-parameter form (docs/protocol.md#messages): uuid, name and token in the URL;
        // the body is the data.
        core::QueryParams query;
        query.add("uuid", ctx.job_uuid(a.uuid));
        query.add("name", std::string(core::to_string(*event)));
        if (auto token = ctx.token(a.token)) query.add("token", *token);
        return deliver(ctx, data.is_null() ? nlohmann::json::object() : data, query);
    }
    nlohmann::json body = {{"uuid", ctx.job_uuid(a.uuid)}, {"name", core::to_string(*event)}};
    if (!data.is_null()) body["data"] = data;
    if (auto token = ctx.token(a.token)) body["token"] = *token;
    return deliver(ctx, body, {});
}

} // namespace

void add_event_command(Command& root, Context& ctx) {
    auto args = std::make_shared<EventArgs>();
    auto& sub = root.sub("event", "Send an event to a job (run, finish, fail, …)");
    sub.option("name", args->name, "Event name: " + event_names() + " (not with --batch)");
    sub.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub.flag("--url-params", args->url_params,
             "Send uuid, name and token as URL parameters and the data as the body");
    sub.option("--token", args->token, "The job's token or an admin token (default: PJM_TOKEN)");
    args->data_option = &sub.option(
        "--data", args->data, "JSON object for the history entry: inline, @file, or - for stdin");
    args->batch_option =
        &sub.option("--batch", args->batch,
                    "Send the event messages of FILE, one JSON object per line (- for stdin)")
             .type_name("FILE")
             .excludes("--data")
             .excludes("--url-params");
    sub.flag("--fail-fast", args->fail_fast,
             "With --batch: stop at the first line that is not applied or sent");
    sub.footer(
        k_batch_help +
        examples({
            "pjm --local event run 1073f4ff-c2b9-5190-bd9a-e6a406d9796a --token 0dc73dc3ff39b49a",
            "PJM_JOB_UUID=107... PJM_TOKEN=... pjm --local event finish --data '{\"files\": 3}'",
            "PJM_URL=https://tenant/actors/v2/ACTOR/messages PJM_NONCE=... pjm event finish --wait",
            "pjm --url https://tenant/actors/v2/ACTOR/messages event update --url-params --data "
            "@m.json",
            "pjm --dry-run --url https://tenant/actors/v2/ACTOR/messages event fail --data "
            "@err.json",
            "pjm --local event --batch events.ndjson",
            "produce-events | pjm --json event --batch - > outcomes.ndjson",
            "Admin-only events (reset, ready) need --token \"$(pjm token admin)\".",
        }));
    sub.on_run([&ctx, args] { return run_event(ctx, *args); });
}

} // namespace pjm::cli
