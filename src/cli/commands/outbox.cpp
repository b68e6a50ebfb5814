#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
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
            {"state", e.failed ? "refused" : "queued"}};
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
    table.header = {"ID", "STATE", "QUEUED", "QUEUED AT", "ATTEMPTS", "MESSAGE", "LAST ERROR"};
    table.optional = {3};
    table.clip_last = true;
    for (const auto& e : entries)
        table.rows.push_back(
            {e.id, e.failed ? Cell("refused", Color::red) : Cell("queued", Color::yellow),
             ago(e.created, ctx.clock), e.created, std::to_string(e.attempts), e.summary,
             clip(e.last_error.substr(0, e.last_error.find('\n')), 60)});
    print_table(table);
    return 0;
}

int run_flush(Context& ctx, const OutboxArgs& a) {
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
    if (a.url.empty())
        hooks.select = [&](const remote::OutboxEntry& e) {
            if (remote::same_manager(e.url, manager)) return true;
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
        std::cerr << "pjm: " << elsewhere << " queued message(s) are for another manager ("
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
    if (!box.remove(a.id))
        throw CliError(core::ErrorKind::not_found, "no message " + a.id + " in the outbox " +
                                                       box.dir() + " (see 'pjm outbox list')");
    if (ctx.flags.json)
        print_json({{"dropped", a.id}});
    else
        std::cout << "dropped " << a.id << '\n';
    return 0;
}

} // namespace

void add_outbox_command(Command& root, Context& ctx) {
    auto args = std::make_shared<OutboxArgs>();
    auto& sub = root.sub("outbox", "Messages that could not be delivered yet (exit 75)");
    sub.require_subcommand(1);
    sub.footer(examples({"pjm outbox list", "pjm outbox flush",
                         "pjm outbox flush --url https://new-host/actors/v2/ACTOR/messages",
                         "pjm outbox drop 1764300000000-1a2b3c4d"}));
    auto& list = sub.sub("list", "Show queued and refused messages, oldest first");
    list.footer(examples({"pjm outbox list", "pjm --json outbox list"}));
    list.on_run([&ctx] { return run_list(ctx); });
    auto& flush = sub.sub(
        "flush", "Deliver queued messages in order per job; exit 0 when all went, 75 when some "
                 "still wait");
    flush.option("--url", args->url,
                 "Send every message to this messages URL instead of the one it was meant for");
    flush.footer(
        examples({"pjm outbox flush",
                  "PJM_NONCE=... pjm outbox flush --url https://moved/actors/v2/ACTOR/messages"}));
    flush.on_run([&ctx, args] { return run_flush(ctx, *args); });
    auto& drop = sub.sub("drop", "Delete one message from the outbox for good");
    drop.option("id", args->id, "The message's id (see 'pjm outbox list')").required();
    drop.footer(examples({"pjm outbox drop 1764300000000-1a2b3c4d"}));
    drop.on_run([&ctx, args] { return run_drop(ctx, *args); });
}

} // namespace pjm::cli
