#include "cli/dispatch.hpp"

#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/hash.hpp"
#include "core/message.hpp"
#include "core/random.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>
#include <tuple>

namespace pjm::cli {

namespace {

constexpr const char* k_redacted = "<redacted>";

// What --wait found: the execution's exit code and logs, or why waiting failed.
struct Waited {
    int code = 0;                                  // the execution's, or ours when waiting failed
    core::ErrorKind failure = core::ErrorKind::ok; // set when waiting itself failed
    std::string logs;                              // the execution's logs, or why waiting failed
    nlohmann::json result;                         // the execution, when it completed
};

// Abaco hands out messages URLs with the nonce in them; such a URL is a secret as well.
std::string redact_url(std::string url) {
    auto q = url.find('?');
    for (std::size_t p = q; p != std::string::npos; p = url.find('&', p + 1)) {
        for (std::string key : {"x-nonce=", "token="}) {
            if (url.compare(p + 1, key.size(), key) != 0) continue;
            std::size_t from = p + 1 + key.size(), end = url.find('&', from);
            url.replace(from, end == std::string::npos ? end : end - from, k_redacted);
        }
    }
    return url;
}

int dry_run(Context& ctx, const nlohmann::json& body, const core::QueryParams& query) {
    auto [target, headers] = shown_request(ctx, query);
    nlohmann::json shown_body = redact_body(body);
    if (ctx.flags.json) {
        print_json({{"dry_run", true},
                    {"method", "POST"},
                    {"url", target},
                    {"headers", headers},
                    {"body", shown_body}});
    } else {
        std::cout << "POST " << target << '\n';
        for (const auto& [k, v] : headers.items())
            std::cout << k << ": " << v.get<std::string>() << '\n';
        std::cout << '\n' << shown_body.dump(2) << '\n';
        std::cerr << "pjm: dry run: nothing sent\n";
    }
    return 0;
}

// Local mode: check the message as the handler would parse and classify it, touch nothing.
int local_dry_run(Context& ctx, const std::string& text, const nlohmann::json& body,
                  const core::QueryParams& query) {
    core::ParsedBody parsed = core::parse_body(text);
    if (!parsed.value) {
        print_error(ctx.flags.json, core::ErrorKind::invalid, parsed.error);
        return core::exit_code(core::ErrorKind::invalid);
    }
    core::Classified c = core::classify(*parsed.value, query);
    if (!c.message) {
        print_error(ctx.flags.json, c.error.kind, c.error.message);
        return core::exit_code(c.error.kind);
    }
    std::string target = ctx.settings.get_or("database", "");
    nlohmann::json shown = redact_body(body);
    if (ctx.flags.json) {
        print_json({{"dry_run", true},
                    {"database", target},
                    {"kind", core::to_string(c.message->kind)},
                    {"body", shown}});
    } else {
        std::cout << "apply to " << target << " (" << core::to_string(c.message->kind) << ")\n\n"
                  << shown.dump(2) << '\n';
        std::cerr << "pjm: dry run: the database was not touched\n";
    }
    return 0;
}

// Polls the execution until the manager reports it COMPLETE; prints nothing.
Waited wait_quietly(Context& ctx, const remote::AbacoClient& client,
                    const std::string& execution_id) {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::seconds(ctx.flags.wait_seconds);
    auto pause = std::chrono::milliseconds(50);
    while (true) {
        remote::Reply r = client.get_execution(execution_id);
        if (!r.ok()) return {core::exit_code(r.kind), r.kind, r.message, {}};
        std::string status = r.result.is_object() ? r.result.value("status", "") : "";
        ctx.trace("execution " + execution_id + ": " + status);
        if (status == "COMPLETE") {
            Waited w{r.result.value("exit_code", 0), core::ErrorKind::ok, {}, r.result};
            remote::Reply logs = client.get_execution_logs(execution_id);
            if (logs.ok() && logs.result.is_object()) w.logs = logs.result.value("logs", "");
            while (!w.logs.empty() && w.logs.back() == '\n')
                w.logs.pop_back();
            return w;
        }
        if (clock::now() >= deadline)
            return {core::exit_code(core::ErrorKind::remote),
                    core::ErrorKind::remote,
                    "execution " + execution_id + " did not complete within " +
                        std::to_string(ctx.flags.wait_seconds) + " s (last status '" + status +
                        "'); check it later with 'pjm status --execution " + execution_id + "'",
                    {}};
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
}

// --wait: the execution's exit code is ours.
int wait_for(Context& ctx, const remote::AbacoClient& client, const remote::Reply& sent) {
    Waited w = wait_quietly(ctx, client, sent.execution_id);
    if (w.failure != core::ErrorKind::ok) {
        print_error(ctx.flags.json, w.failure, w.logs);
        return w.code;
    }
    if (ctx.flags.json) print_json(w.result);
    if (w.code != 0) {
        std::cerr << "pjm: error: " << (w.logs.empty() ? "the manager refused the message" : w.logs)
                  << '\n';
    } else if (!ctx.flags.json) {
        std::cout << (w.logs.empty() ? "done: execution " + sent.execution_id : w.logs) << '\n';
    }
    return w.code;
}

// What an outbox listing shows for a message, and the job it must stay in order with.
std::pair<std::string, std::string> describe_message(const nlohmann::json& body,
                                                     const core::QueryParams& query) {
    std::string job = body.is_object() ? body.value("uuid", "") : "";
    if (job.empty()) job = query.get("uuid").value_or("");
    std::string what = "message";
    if (body.is_object() && body.contains("pipeline_uuid"))
        what = "create";
    else if (body.is_object() && body.contains("action"))
        what = "delete";
    else if (body.is_object() && body.contains("name"))
        what = body.value("name", "event");
    else if (auto n = query.get("name"))
        what = *n;
    return {job, job.empty() ? what : what + " " + job};
}

// Order per job: a message never overtakes its job's earlier messages still in the outbox
// (say `run` was queued while the manager was down, and `finish` comes once it is back). They
// go first, through a flush of that job's queue alone; returns "" when none is left, else why
// this message must wait behind them (it is then queued too, or refused with --no-outbox).
std::string send_earlier_first(Context& ctx, const nlohmann::json& body,
                               const core::QueryParams& query) {
    std::string job = describe_message(body, query).first;
    if (job.empty()) return "";
    remote::Outbox box = ctx.outbox();
    auto entries = box.list();
    auto waiting = std::count_if(entries.begin(), entries.end(),
                                 [&](const remote::OutboxEntry& e) { return e.job_uuid == job; });
    if (waiting == 0) return "";
    ctx.trace(std::to_string(waiting) + " earlier message(s) for job " + job +
              " wait in the outbox: sending them first");
    std::map<std::string, remote::AbacoClient> clients;
    remote::FlushHooks hooks = flush_hooks(ctx, clients);
    hooks.select = [&job](const remote::OutboxEntry& e) { return e.job_uuid == job; };
    hooks.connections = 1;
    remote::FlushReport report;
    try {
        report = remote::flush(box, hooks);
    } catch (const std::runtime_error& e) {
        return "the job's earlier messages in the outbox could not be sent: " +
               std::string(e.what());
    }
    if (report.still_queued == 0 && report.failed == 0) return "";
    std::string why = std::to_string(report.still_queued + report.failed) +
                      " earlier message(s) for job " + job +
                      " are still in the outbox, and this one goes after them";
    if (!report.notes.empty()) why += " (" + report.notes.front() + ")";
    return why + "; see 'pjm outbox list'";
}

// Not delivered after the retries: keep the message in the outbox (kind queued) unless told
// not to (kind remote). Prints nothing.
Sent keep(Context& ctx, const remote::AbacoClient& client, const std::string& reason,
          const std::string& text, const nlohmann::json& body, const core::QueryParams& query,
          const std::string& key) {
    Sent sent;
    sent.kind = core::ErrorKind::remote;
    sent.reason = reason;
    if (ctx.flags.no_outbox) {
        sent.message = reason + "\nnot delivered, and nothing queued (--no-outbox)";
        return sent;
    }
    remote::OutboxEntry entry;
    entry.url = client.messages_url_without_credentials();
    entry.query = query.encode();
    entry.body = text;
    entry.key = key;
    std::tie(entry.job_uuid, entry.summary) = describe_message(body, query);
    entry.attempts = 1;
    entry.last_error = reason;
    remote::Outbox box = ctx.outbox();
    try {
        box.enqueue(entry);
    } catch (const std::runtime_error& e) {
        sent.message = reason + "\nnot delivered, and it could not be queued either: " + e.what();
        return sent;
    }
    sent.kind = core::ErrorKind::queued;
    sent.queued_id = entry.id;
    sent.outbox = box.dir();
    sent.message = reason + "\nqueued as " + entry.id + " in " + box.dir() +
                   "; 'pjm outbox flush' delivers it later";
    return sent;
}

int queue(Context& ctx, const remote::AbacoClient& client, const remote::Reply& r,
          const std::string& text, const nlohmann::json& body, const core::QueryParams& query,
          const std::string& key) {
    Sent sent = keep(ctx, client, r.message, text, body, query, key);
    if (sent.kind != core::ErrorKind::queued) {
        print_error(ctx.flags.json, sent.kind, sent.message);
        return core::exit_code(sent.kind);
    }
    if (ctx.flags.json)
        print_json({{"queued", true},
                    {"id", sent.queued_id},
                    {"outbox", sent.outbox},
                    {"reason", r.message}});
    std::cerr << "pjm: not delivered now: " << sent.message << '\n';
    return core::exit_code(core::ErrorKind::queued);
}

int send(Context& ctx, const std::string& text, const nlohmann::json& body,
         const core::QueryParams& query) {
    remote::AbacoClient client = ctx.client();
    core::QueryParams q = query;
    if (ctx.flags.sync) q.add("_abaco_synchronous", "true");
    auto random = core::random_bytes(16);
    std::string key = core::to_hex(random.data(), random.size());
    ctx.trace("Idempotency-Key " + key);
    remote::Reply r;
    if (std::string behind = send_earlier_first(ctx, body, q); !behind.empty()) {
        r.message = behind;
        return queue(ctx, client, r, text, body, q, key);
    }
    try {
        r = client.post_message(text, q, key);
    } catch (const std::runtime_error& e) { // the transport module is missing or broken
        throw CliError(core::ErrorKind::remote, e.what());
    }
    if (!r.ok() && r.retryable) return queue(ctx, client, r, text, body, q, key);
    if (!r.ok()) {
        print_error(ctx.flags.json, r.kind, r.message);
        return core::exit_code(r.kind);
    }
    if (ctx.flags.wait && !r.execution_id.empty()) return wait_for(ctx, client, r);
    if (ctx.flags.json) {
        print_json(r.result);
        return 0;
    }
    // pjm serve says what happened and, for a create, returns the job and its token.
    const nlohmann::json& res = r.result;
    if (res.is_object() && res.contains("token") && res.contains("job")) {
        std::cout << "created job " << res["job"].value("uuid", "") << '\n'
                  << "token " << res["token"].get<std::string>()
                  << "  (shown once: keep it to send this job's events)\n";
    } else {
        std::cout << (r.message.empty() ? std::string("sent") : r.message);
        if (!r.execution_id.empty()) std::cout << " (execution " << r.execution_id << ")";
        std::cout << '\n';
    }
    return 0;
}

} // namespace

remote::FlushHooks flush_hooks(Context& ctx, std::map<std::string, remote::AbacoClient>& clients,
                               const std::string& redirect) {
    remote::FlushHooks hooks;
    hooks.client_for = [&ctx, &clients,
                        redirect](const remote::OutboxEntry& e) -> const remote::AbacoClient& {
        std::string url = redirect.empty() ? e.url : redirect;
        auto it = clients.find(url);
        if (it == clients.end()) it = clients.emplace(url, ctx.client_for(url)).first;
        return it->second;
    };
    return hooks;
}

nlohmann::json redact_body(nlohmann::json body) {
    if (body.is_object() && body.contains("token")) body["token"] = k_redacted;
    return body;
}

ShownRequest shown_request(const Context& ctx, const core::QueryParams& query) {
    std::string url = redact_url(manager_url(ctx));
    bool nonce = ctx.settings.get("nonce").has_value();
    bool bearer = ctx.settings.get("bearer_token").has_value();
    core::QueryParams shown;
    for (const auto& [k, v] : query.items())
        shown.add(k, k == "token" ? k_redacted : v);
    if (nonce && !bearer) shown.add("x-nonce", k_redacted);
    std::string target = url.empty() ? "<no manager URL: set --url or PJM_URL>" : url;
    if (!shown.empty()) {
        // Keep the redaction marker readable rather than %-encoded.
        std::string q = shown.encode();
        for (std::size_t p; (p = q.find("%3Credacted%3E")) != std::string::npos;)
            q.replace(p, 14, k_redacted);
        target += (target.find('?') == std::string::npos ? "?" : "&") + q;
    }
    nlohmann::json headers = {{"Content-Type", "application/json"}};
    if (bearer) headers["Authorization"] = std::string("Bearer ") + k_redacted;
    return {target, headers};
}

std::string manager_url(const Context& ctx) {
    if (auto url = ctx.settings.get("url")) return *url;
    auto tenant = ctx.settings.get("tenant_url");
    auto actor = ctx.settings.get("actor_id");
    if (tenant && actor) {
        std::string base = *tenant;
        while (!base.empty() && base.back() == '/')
            base.pop_back();
        return base + "/actors/v2/" + *actor + "/messages";
    }
    return {};
}

int report_outcome(Context& ctx, const core::Outcome& outcome) {
    if (!outcome.ok()) {
        print_error(ctx.flags.json, outcome.kind, outcome.message);
        return core::exit_code(outcome.kind);
    }
    const auto kind = outcome.message_kind.value_or(core::MessageKind::event);
    if (!ctx.flags.json) {
        if (kind == core::MessageKind::create_action && outcome.token && outcome.job) {
            std::cout << "created job " << outcome.job->uuid << '\n'
                      << "token " << *outcome.token
                      << "  (shown once: keep it to send this job's events)\n";
        } else {
            std::cout << outcome.message << '\n';
        }
        return 0;
    }
    nlohmann::json doc;
    if (kind == core::MessageKind::delete_action) {
        bool force = outcome.job && !ctx.storage().get_job(outcome.job->uuid, false);
        doc = {{"uuid", outcome.job ? outcome.job->uuid : ""}, {"deleted", true}, {"force", force}};
    } else if (outcome.job) {
        auto full = ctx.storage().get_job(outcome.job->uuid, true);
        doc = core::to_document(full ? *full : *outcome.job);
        if (outcome.token) doc["token"] = *outcome.token;
    }
    print_json(doc);
    return 0;
}

Sent send_quietly(Context& ctx, const remote::AbacoClient& client, const std::string& text,
                  const nlohmann::json& body, const std::string& not_tried) {
    core::QueryParams q;
    if (ctx.flags.sync) q.add("_abaco_synchronous", "true");
    auto random = core::random_bytes(16);
    std::string key = core::to_hex(random.data(), random.size());
    if (!not_tried.empty()) return keep(ctx, client, not_tried, text, body, q, key);
    if (std::string behind = send_earlier_first(ctx, body, q); !behind.empty())
        return keep(ctx, client, behind, text, body, q, key);
    ctx.trace("Idempotency-Key " + key);
    remote::Reply r;
    try {
        r = client.post_message(text, q, key);
    } catch (const std::runtime_error& e) { // the transport module is missing or broken
        throw CliError(core::ErrorKind::remote, e.what());
    }
    if (!r.ok() && r.retryable) return keep(ctx, client, r.message, text, body, q, key);
    Sent sent;
    sent.kind = r.kind;
    sent.message = r.message;
    sent.execution_id = r.execution_id;
    if (r.ok() && ctx.flags.wait && !r.execution_id.empty()) {
        Waited w = wait_quietly(ctx, client, r.execution_id);
        sent.kind = w.failure != core::ErrorKind::ok ? w.failure : core::kind_for_exit_code(w.code);
        sent.message = w.logs;
        if (sent.message.empty())
            sent.message = w.code == 0 ? "done: execution " + r.execution_id
                                       : "the manager refused the message";
    }
    return sent;
}

int deliver(Context& ctx, const nlohmann::json& body, const core::QueryParams& query) {
    // The text a manager would receive. Command-line values need not be UTF-8 (a Latin-1
    // --archive-path), and JSON cannot carry them: refuse them here, before anything is
    // printed or stored.
    std::string text;
    try {
        text = body.dump();
    } catch (const nlohmann::json::type_error&) {
        throw CliError(core::ErrorKind::invalid,
                       "the message cannot be built: a value given on the command line is not "
                       "valid UTF-8");
    }
    // Local mode applies that very text, as a manager would, so the limits on the whole
    // message (64 levels of nesting, --data included) are the same through every door.
    if (ctx.local() && !ctx.flags.dry_run)
        return report_outcome(ctx, ctx.handler().handle_raw(text, query));
    if (ctx.local()) return local_dry_run(ctx, text, body, query);
    if (ctx.flags.dry_run) return dry_run(ctx, body, query);
    return send(ctx, text, body, query);
}

} // namespace pjm::cli
