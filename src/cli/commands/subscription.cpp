// pjm subscription: what to give a platform so that it reports a job's status to the manager
// by itself (docs/protocol.md#callbacks): a Tapis v3 job subscription, or an Agave job
// notification, whose delivery URL carries the pjm job, its token and the manager's nonce.
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/query.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/token.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

struct SubscriptionArgs {
    std::string uuid;
    std::string token;
    std::string platform = "tapis";
    std::string events = "JOB_NEW_STATUS";
    int ttl_minutes = 40320;
};

// The job's token: --token or PJM_TOKEN, else (with --local) the one the database derives. An
// admin token expires within hours, and a platform reports for days: only the job's own will do.
std::string job_token_for(Context& ctx, const std::string& uuid, const SubscriptionArgs& a) {
    std::optional<std::string> given = ctx.token(a.token);
    if (!ctx.local()) {
        if (!given)
            usage_error("the delivery URL carries the job's token: give --token (or PJM_TOKEN), "
                        "or add --local to read it from the database");
        return *given;
    }
    auto read = core::read_job(ctx.storage(), uuid, core::HistoryWindow::none());
    if (!read.ok()) throw CliError(read.kind, read.message);
    std::string own = core::job_token(read.value.salt, read.value.uuid);
    if (given && !core::constant_time_equal(*given, own))
        usage_error("the token given is not job " + uuid +
                    "'s own token (an admin token expires long before a platform stops "
                    "reporting); leave it out with --local, or give the job's token");
    return own;
}

std::string delivery_url(Context& ctx, const std::string& uuid, const std::string& token) {
    auto base = ctx.manager_url();
    if (!base)
        usage_error("no manager: set --url (or PJM_URL) to the manager's messages URL as the "
                    "platform reaches it, e.g. https://pjm.example.org/actors/v2/ACTOR/messages");
    core::QueryParams query;
    query.add("uuid", uuid);
    query.add("token", token);
    if (auto nonce = ctx.settings.get("nonce")) {
        query.add("x-nonce", *nonce);
    } else {
        std::cerr << "pjm: warning: no nonce (PJM_NONCE): platforms send no credential of "
                     "yours, so pjm serve admits their notifications only with an x-nonce in "
                     "the URL, or when it runs with --no-auth\n";
    }
    return *base + (base->find('?') == std::string::npos ? "?" : "&") + query.encode();
}

int run_subscription(Context& ctx, const SubscriptionArgs& a) {
    std::string uuid = ctx.job_uuid(a.uuid);
    std::string url = delivery_url(ctx, uuid, job_token_for(ctx, uuid, a));
    nlohmann::json doc;
    if (a.platform == "agave") {
        // Agave posts the job itself to each notification's URL; "*" is every job event, and
        // persistent keeps the notification after its first delivery.
        doc = {{"notifications", {{{"url", url}, {"event", "*"}, {"persistent", true}}}}};
    } else {
        doc = {
            {"subscriptions",
             {{{"description", "pjm: PipelineJob " + uuid},
               {"enabled", true},
               {"eventCategoryFilter", a.events},
               {"ttlMinutes", a.ttl_minutes},
               {"deliveryTargets", {{{"deliveryMethod", "WEBHOOK"}, {"deliveryAddress", url}}}}}}}};
    }
    print_json(doc);
    return 0;
}

} // namespace

void add_subscription_command(Command& root, Context& ctx) {
    auto args = std::make_shared<SubscriptionArgs>();
    auto& sub =
        root.sub("subscription", "Print a platform subscription that reports a job's status to the "
                                 "manager (Tapis v3 or Agave)");
    sub.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub.option("--platform", args->platform, "Whose subscription to print (default: tapis)")
        .one_of({"tapis", "agave"});
    sub.option("--events", args->events,
               "Tapis v3: the job event category to report (default: JOB_NEW_STATUS)")
        .one_of({"JOB_NEW_STATUS", "JOB_INPUT_TRANSACTION_ID", "JOB_ARCHIVE_TRANSACTION_ID",
                 "JOB_SUBSCRIPTION", "JOB_SHARE_EVENT", "JOB_ERROR_MESSAGE", "JOB_USER_EVENT",
                 "ALL"});
    sub.option("--ttl-minutes", args->ttl_minutes,
               "Tapis v3: how long the subscription lasts (default and most: 40320, 4 weeks)");
    sub.option("--token", args->token,
               "The job's token (default: PJM_TOKEN; with --local, read from the database)");
    sub.footer(
        "The URL is the manager's messages URL (--url or PJM_URL) with the job's uuid, its token "
        "and the nonce (PJM_NONCE) as query parameters. Tapis v3: put the printed "
        "\"subscriptions\" in the job request, or POST one of them to "
        "/v3/jobs/subscribe/TAPIS_JOB_UUID. Agave: put \"notifications\" in the job request. "
        "The manager answers a repeated or late notification 200 without a change, and infers a "
        "RUNNING that never arrived (man pjm, CALLBACKS).\n\n" +
        examples({
            "pjm --local subscription \"$PJM_JOB_UUID\" > subscription.json",
            "pjm --local subscription 107... --events ALL | jq '.subscriptions[0]'",
            "pjm subscription 107... --platform agave --token \"$JOB_TOKEN\"",
        }));
    sub.on_run([&ctx, args] {
        if (args->ttl_minutes < 1 || args->ttl_minutes > 40320)
            usage_error("--ttl-minutes must be 1 to 40320 (Tapis keeps a subscription at most "
                        "4 weeks)");
        return run_subscription(ctx, *args);
    });
}

} // namespace pjm::cli
