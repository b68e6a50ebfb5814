#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "core/message.hpp"
#include "core/query.hpp"
#include "remote/abaco_client.hpp"
#include "remote/flush.hpp"
#include "remote/sender.hpp"
#include "util/redact.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

struct OutboxArgs {
    std::string id;
    std::string url;
    std::string job; // flush or drop one job's messages only
    bool all = false;
};

nlohmann::json entry_json(const remote::OutboxEntry& e) {
    // The body holds the job token: listings show what and where, never the body itself.
    return {{"id", e.id},
            {"created", e.created},
            {"summary", e.summary},
            {"job", e.job_uuid},
            {"url", util::redact_url(e.url)},
            {"attempts", e.attempts},
            {"last_error", e.last_error},
            {"state", e.failed ? "refused" : "queued"},
            {"pinned", e.pinned}};
}

// Where a flush would send it now: its own URL when pinned, else the configured manager.
std::string target_of(const Context& ctx, const remote::OutboxEntry& e) {
    if (e.pinned) return util::redact_url(e.url) + " (pinned)";
    auto manager = ctx.manager_url();
    return manager ? util::redact_url(*manager) : "(no manager configured)";
}

int run_list(Context& ctx) {
    remote::Outbox box = ctx.outbox();
    std::vector<std::string> problems;
    auto entries = box.list(&problems);
    for (const auto& p : problems)
        std::cerr << "pjm: warning: unreadable outbox file " << p << '\n';
    if (ctx.flags.json) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& e : entries)
            all.push_back(entry_json(e));
        print_json({{"outbox", box.dir()}, {"messages", all}});
        return 0;
    }
    if (entries.empty()) {
        std::cout << "the outbox is empty (" << box.dir() << ")\n";
        return 0;
    }
    Table table;
    table.header = {"ID",       "STATE",   "QUEUED", "QUEUED AT",
                    "ATTEMPTS", "MESSAGE", "TO",     "LAST ERROR"};
    table.optional = {3, 6};
    table.clip_last = true;
    for (const auto& e : entries)
        table.rows.push_back(
            {e.id, e.failed ? Cell("refused", Color::red) : Cell("queued", Color::yellow),
             ago(e.created, ctx.clock), e.created, std::to_string(e.attempts), e.summary,
             target_of(ctx, e), e.last_error.substr(0, e.last_error.find('\n'))});
    print_table(table);
    return 0;
}

int run_flush(Context& ctx, const OutboxArgs& a) {
    ctx.per_request_budget();
    remote::Outbox box = ctx.outbox();
    // Credentials go only to the manager configured now (or the --url given): a queued file
    // names a URL, and a file someone else put there must not receive them.
    std::optional<std::string> target = a.url.empty() ? ctx.manager_url() : a.url;
    if (!target)
        usage_error("outbox flush sends to the manager configured now: set --url (or PJM_URL, "
                    "or PJM_TENANT_URL with PJM_ACTOR_ID); 'pjm outbox list' shows the URL each "
                    "message was queued for");
    remote::ClientsByUrl clients([&ctx](const std::string& url) { return ctx.client_for(url); },
                                 *target);
    remote::FlushHooks hooks = clients.hooks();
    std::string manager = ctx.client_for(*target).messages_url_without_credentials();
    int elsewhere = 0;
    std::string elsewhere_url;
    hooks.select = [&](const remote::OutboxEntry& e) {
        if (!a.job.empty() && e.job_uuid != a.job) return false;
        // Without --url: every message goes to the manager configured now, but one pinned
        // to another URL (queued with --url on its command line).
        if (!a.url.empty() || remote::goes_to(e, manager)) return true;
        if (elsewhere++ == 0) elsewhere_url = e.url;
        return false;
    };
    ProgressBar bar(!ctx.flags.json);
    if (bar.shown())
        hooks.progress = [&bar](int done, int total) {
            if (total > 0)
                bar.update(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total),
                           std::to_string(done) + "/" + std::to_string(total));
        };
    remote::FlushReport report;
    try {
        report = remote::flush(box, hooks);
    } catch (const std::runtime_error& e) {
        throw CliError(core::ErrorKind::remote, std::string("outbox flush stopped: ") + e.what());
    }
    bar.finish();
    for (const auto& note : report.notes)
        std::cerr << "pjm: " << note << '\n';
    if (elsewhere > 0)
        std::cerr << "pjm: " << elsewhere << " queued message(s) are pinned to another manager ("
                  << util::redact_url(elsewhere_url) << ", not " << util::redact_url(manager)
                  << "): left in the outbox; if that manager is yours, send them with 'pjm "
                     "outbox flush --url URL'\n";
    if (ctx.flags.json)
        print_json({{"delivered", report.delivered},
                    {"still_queued", report.still_queued},
                    {"refused", report.failed},
                    {"outbox", box.dir()}});
    else
        std::cout << "delivered " << report.delivered << ", still queued " << report.still_queued
                  << ", refused " << report.failed << '\n';
    if (report.failed > 0)
        return core::exit_code(report.first_failure == core::ErrorKind::ok ? core::ErrorKind::remote
                                                                           : report.first_failure);
    if (report.still_queued > 0 || elsewhere > 0) return core::exit_code(core::ErrorKind::queued);
    return 0;
}

int run_drop(Context& ctx, const OutboxArgs& a) {
    remote::Outbox box = ctx.outbox();
    int given = (a.id.empty() ? 0 : 1) + (a.job.empty() ? 0 : 1) + (a.all ? 1 : 0);
    if (given != 1) usage_error("outbox drop takes one of: an ID, --job UUID, --all");
    std::vector<std::string> ids;
    if (!a.id.empty()) {
        ids.push_back(a.id);
    } else {
        for (const auto& e : box.list())
            if (a.all || e.job_uuid == a.job) ids.push_back(e.id);
    }
    std::vector<std::string> dropped;
    for (const auto& id : ids)
        if (box.remove(id)) dropped.push_back(id);
    if (!a.id.empty() && dropped.empty())
        throw CliError(core::ErrorKind::not_found, "no message " + a.id + " in the outbox " +
                                                       box.dir() + " (see 'pjm outbox list')");
    if (ctx.flags.json) {
        print_json({{"dropped", dropped}, {"outbox", box.dir()}});
    } else if (!a.id.empty()) {
        std::cout << "dropped " << a.id << '\n';
    } else {
        std::cout << "dropped " << dropped.size() << " message(s)"
                  << (a.job.empty() ? "" : " of job " + a.job) << '\n';
    }
    return 0;
}

// One message, whole: where it goes and why it waits, and the message itself with its tokens
// shown as <redacted>.
int run_show(Context& ctx, const OutboxArgs& a) {
    remote::Outbox box = ctx.outbox();
    for (const auto& e : box.list()) {
        if (e.id != a.id) continue;
        auto query = core::QueryParams::parse(e.query).value_or(core::QueryParams{});
        std::vector<std::string> tokens;
        if (auto t = query.get("token")) tokens.push_back(*t);
        nlohmann::json doc = entry_json(e);
        doc["to"] = target_of(ctx, e);
        doc["query"] = core::redact_tokens(e.query, tokens);
        doc["body"] = core::redact_tokens(e.body, tokens);
        if (ctx.flags.json) {
            print_json(doc);
            return 0;
        }
        std::vector<std::vector<std::string>> rows;
        for (const char* key : {"id", "state", "summary", "job", "created", "attempts", "to", "url",
                                "pinned", "query"}) {
            const auto& v = doc[key];
            rows.push_back(
                {std::string(key) + ":", v.is_string() ? v.get<std::string>() : v.dump()});
        }
        print_table(rows);
        std::cout << "\nlast error:\n"
                  << e.last_error << "\n\nbody:\n"
                  << doc["body"].get<std::string>() << '\n';
        return 0;
    }
    throw CliError(core::ErrorKind::not_found, "no message " + a.id + " in the outbox " +
                                                   box.dir() + " (see 'pjm outbox list')");
}

} // namespace

void add_outbox_command(Command& root, Context& ctx) {
    auto args = std::make_shared<OutboxArgs>();
    auto& sub = root.sub("outbox", "Messages that could not be delivered yet (exit 75)");
    sub.require_subcommand(1);
    sub.footer("A queued message goes to the manager configured when it is flushed (--url, "
               "PJM_URL, the config file), unless it was queued with --url on its command line: "
               "then it is pinned to that URL.\n\n" +
               examples({"pjm outbox list", "pjm outbox flush", "pjm outbox flush --job 107...",
                         "pjm outbox flush --url https://new-host/actors/v2/ACTOR/messages",
                         "pjm outbox show ID", "pjm outbox drop --job 107..."}));
    auto& list = sub.sub("list", "Show queued and refused messages, oldest first");
    list.footer(examples({"pjm outbox list", "pjm --json outbox list"}));
    list.on_run([&ctx] { return run_list(ctx); });
    auto& flush = sub.sub(
        "flush", "Deliver queued messages in order per job; exit 0 when all went, 75 when some "
                 "still wait");
    flush.option("--url", args->url,
                 "Send every message to this messages URL, pinned ones included");
    flush.option("--job", args->job, "Send only this job's messages");
    flush.footer(
        examples({"pjm outbox flush",
                  "PJM_NONCE=... pjm outbox flush --url https://moved/actors/v2/ACTOR/messages"}));
    flush.on_run([&ctx, args] { return run_flush(ctx, *args); });
    auto& show = sub.sub("show", "Show one queued message whole (its tokens redacted)");
    show.option("id", args->id, "The message's id (see 'pjm outbox list')").required();
    show.footer(examples({"pjm outbox show 1796220660505330-383e0309"}));
    show.on_run([&ctx, args] { return run_show(ctx, *args); });
    auto& drop = sub.sub("drop", "Delete messages from the outbox for good: one, a job's, or all");
    drop.option("id", args->id, "The message's id (see 'pjm outbox list')");
    drop.option("--job", args->job, "Every message of this job");
    drop.flag("--all", args->all, "Every message in the outbox");
    drop.footer(examples({"pjm outbox drop 1796220660505330-383e0309",
                          "pjm outbox drop --job 107...", "pjm outbox drop --all"}));
    drop.on_run([&ctx, args] { return run_drop(ctx, *args); });
}

} // namespace pjm::cli
