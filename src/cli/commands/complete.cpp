// pjm __complete jobs|pipelines|outbox [PREFIX]: the values the shell completions offer
// (completions/), one a line: job UUIDs and pipeline names from the database in local mode or
// from the configured manager, outbox ids from the outbox. Hidden from --help. It never fails
// and never waits long: a completion that cannot be had is no completion, silently (exit 0,
// nothing printed), and a manager gets 2 seconds in all, no retries.
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/lookup.hpp"
#include "core/storage.hpp"
#include "remote/abaco_client.hpp"
#include "remote/outbox.hpp"

#include <algorithm>
#include <iostream>

namespace pjm::cli {

namespace {

constexpr std::size_t k_most = 200; // candidates at most: a shell shows no more usefully

struct CompleteArgs {
    std::string kind;
    std::string prefix;
};

std::vector<std::string> jobs(Context& ctx, const std::string& prefix) {
    std::vector<std::string> out;
    // Only hex digits and dashes can start a job UUID (any case, as the commands take them).
    auto like = core::uuid_like(prefix);
    if (!prefix.empty() && !like) return out;
    std::string low = like.value_or("");
    if (ctx.local()) {
        core::JobFilter f;
        if (!low.empty()) f.uuid_prefix = low;
        f.limit = k_most;
        for (const auto& j : ctx.storage().find_jobs(f))
            out.push_back(j.uuid);
        return out;
    }
    core::QueryParams q;
    q.add("limit", std::to_string(k_most));
    remote::Reply r = ctx.client().list_jobs(q);
    if (r.ok() && r.result.is_array())
        for (const auto& doc : r.result)
            if (doc.is_object() && doc.value("uuid", "").starts_with(low))
                out.push_back(doc.value("uuid", ""));
    return out;
}

std::vector<std::string> pipelines(Context& ctx, const std::string& prefix) {
    std::vector<std::string> out;
    auto add = [&](const std::string& name) {
        if (name.starts_with(prefix) && name.find_first_of(" \t\n") == std::string::npos)
            out.push_back(name);
    };
    if (ctx.local()) {
        for (const auto& p : ctx.storage().list_pipelines())
            add(p.name);
        return out;
    }
    remote::Reply r = ctx.client().list_pipelines();
    if (r.ok() && r.result.is_array())
        for (const auto& doc : r.result)
            if (doc.is_object()) add(doc.value("name", ""));
    return out;
}

std::vector<std::string> outbox_ids(Context& ctx, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& e : ctx.outbox().list())
        if (e.id.starts_with(prefix)) out.push_back(e.id);
    return out;
}

int run_complete(Context& ctx, const CompleteArgs& a) {
    // Completion is interactive: a short, fixed wait for a manager, and one attempt.
    ctx.settings.set("timeout", "2", "completion");
    ctx.settings.set("connect_timeout", "1", "completion");
    ctx.settings.set("retries", "0", "completion");
    ctx.settings.set("retry_max_time", "2", "completion");
    std::vector<std::string> values;
    try {
        if (a.kind == "jobs")
            values = jobs(ctx, a.prefix);
        else if (a.kind == "pipelines")
            values = pipelines(ctx, a.prefix);
        else if (a.kind == "outbox")
            values = outbox_ids(ctx, a.prefix);
    } catch (const std::exception&) {
        return 0; // no database, no manager, nothing to offer
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.size() > k_most) values.resize(k_most);
    for (const auto& v : values)
        std::cout << v << '\n';
    return 0;
}

} // namespace

void add_complete_command(Command& root, Context& ctx) {
    auto args = std::make_shared<CompleteArgs>();
    auto& sub = root.sub("__complete", "Values for the shell completions (not for people)");
    sub.hide();
    sub.option("kind", args->kind, "jobs, pipelines or outbox").required();
    sub.option("prefix", args->prefix, "What is typed so far");
    sub.on_run([&ctx, args] { return run_complete(ctx, *args); });
}

} // namespace pjm::cli
