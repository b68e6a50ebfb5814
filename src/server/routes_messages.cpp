// POST /actors/v2/<actorId>/messages: every message kind, JSON body or URL parameters, handled
// by core::Handler through the writer; the reply is the Abaco envelope with the execution id.
// GET on the same path answers as Abaco does (nothing is ever queued: handling is synchronous).
#include "core/hash.hpp"
#include "core/message.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <vector>

namespace pjm::server {

namespace {

core::Outcome refusal(core::ErrorKind kind, std::string message) {
    core::Outcome o;
    o.kind = kind;
    o.message = std::move(message);
    return o;
}

// A repeated Idempotency-Key gets the first message's reply: its outcome from the execution,
// and the job it named as it is now (with a create's token, which never changes, only for the
// credential that created it).
void complete_replay(ServerContext& ctx, Handled& h) {
    h.outcome.token.reset();
    if (!h.outcome.ok() || h.execution.job_uuid.empty()) return;
    std::optional<core::Job> job;
    {
        auto storage = ctx.reads.acquire();
        job = storage->get_job(h.execution.job_uuid, core::HistoryWindow::none());
    }
    if (!job) return;
    if (h.outcome.message_kind == core::MessageKind::create_action && !h.other_sender)
        h.outcome.token = core::job_token(job->salt, job->uuid);
    h.outcome.job = std::move(job);
}

// What an Idempotency-Key is bound to: the digests of the body and of the credential that sent
// it (store::Execution::request_digest).
std::string request_digest(const Request& req, const core::QueryParams& query) {
    std::string credential = req.get_header_value("Authorization");
    if (auto nonce = query.get("x-nonce")) credential += "\n" + *nonce;
    return core::sha256_hex(req.body) + ":" + core::sha256_hex(credential);
}

// The message text of a request: the body, or, for a form (application/x-www-form-urlencoded,
// as Abaco clients send a message given on their command line), its one `message` field when
// that holds a JSON object. Any other form stays the body, and is refused as invalid JSON.
std::string message_text(const Request& req) {
    std::string type = req.get_header_value("Content-Type");
    std::string media = type.substr(0, type.find(';'));
    while (!media.empty() && media.back() == ' ')
        media.pop_back();
    if (!same_name(media, "application/x-www-form-urlencoded")) return req.body;
    auto form = core::QueryParams::parse(req.body);
    if (!form || form->count("message") != 1) return req.body;
    std::string field = *form->get("message");
    auto parsed = core::parse_body(field);
    return parsed.value && parsed.value->is_object() ? field : req.body;
}

// Whether the sender asked to wait for the execution (the value compared without case, as
// Abaco does).
bool synchronous(const core::QueryParams& query) {
    auto v = query.get("_abaco_synchronous");
    return v && same_name(*v, "true");
}

} // namespace

void post_message(ServerContext& ctx, const Request& req, Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    std::int64_t received_ms = ctx.clock.now_ms();
    auto query = query_of(req);
    if (!query) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    std::optional<std::string> idempotency_key;
    if (req.has_header("Idempotency-Key")) {
        idempotency_key = req.get_header_value("Idempotency-Key");
        if (req.get_header_value_count("Idempotency-Key") > 1)
            return reply(ctx, res, 400, "Idempotency-Key is given more than once; give one key");
        if (!valid_idempotency_key(*idempotency_key))
            return reply(ctx, res, 400,
                         "Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
    const std::string body = message_text(req);

    // Parsing and classifying need no database: done here, on the connection's thread.
    Submission s;
    s.execution_id = idempotency_key
                         ? idempotent_execution_id(ctx.config.actor_id, *idempotency_key)
                         : new_execution_id();
    s.idempotent = idempotency_key.has_value();
    if (s.idempotent) s.request_digest = request_digest(req, *query);
    s.received_ms = received_ms;
    s.executor = req.identity;
    s.worker_id = ctx.config.worker_id;
    core::ParsedBody parsed = core::parse_body(body);
    // The reply echoes the message ("msg", as Abaco does), never the tokens in it.
    std::vector<std::string> tokens;
    if (auto t = query->get("token")) tokens.push_back(*t);
    if (parsed.value && parsed.value->is_object())
        if (auto it = parsed.value->find("token"); it != parsed.value->end() && it->is_string())
            tokens.push_back(it->get<std::string>());
    std::string shown = core::redact_tokens(body, tokens);
    if (!parsed.value) {
        s.refusal = refusal(core::ErrorKind::invalid, parsed.error);
    } else {
        core::Classified c = core::classify(*parsed.value, *query);
        if (c.message)
            s.message = std::move(c.message);
        else
            s.refusal = refusal(c.error.kind, c.error.message);
    }
    Handled h = ctx.writer.submit(std::move(s));
    if (h.replayed && h.other_body) {
        res.log_detail = "execution " + h.execution.id + " refused: Idempotency-Key reused";
        return reply(ctx, res, 422,
                     "this Idempotency-Key was first used for another message (execution " +
                         h.execution.id +
                         "); nothing was applied: send a new message with a new key");
    }
    if (h.replayed) complete_replay(ctx, h);

    const core::Outcome& o = h.outcome;
    std::string kind = o.message_kind ? std::string(core::to_string(*o.message_kind))
                                      : std::string("unclassified");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string_view outcome = h.replayed    ? "replayed"
                               : o.applied() ? core::kind_name(o.kind)
                               : o.ok()      ? core::to_string(o.disposition)
                                             : core::kind_name(o.kind);
    ctx.metrics.message(kind, outcome, seconds);
    int status = core::http_status(o.kind);
    nlohmann::json result;
    if (h.recorded) {
        result = abaco_result(ctx, message_result(h.execution, shown, o, links_for(ctx, req)));
    } else {
        result = abaco_result(ctx, {{"execution_id", nullptr},
                                    {"msg", shown},
                                    {"exit_code", core::exit_code(o.kind)},
                                    {"outcome", core::kind_name(o.kind)}});
    }
    res.log_detail = "execution " + (h.recorded ? h.execution.id : std::string("-")) + " " + kind +
                     " " + std::string(core::kind_name(o.kind)) + (h.replayed ? " (replayed)" : "");
    if (ctx.config.verbose > 0) res.log_detail += ": " + o.message;
    // _abaco_synchronous=true: as Abaco, the reply is the execution's logs once it completed,
    // not an envelope; pjm's headers say what the logs cannot (docs/protocol.md#synchronous).
    if (h.recorded && synchronous(*query)) {
        res.status = 200;
        res.set_content(h.execution.log, "text/html; charset=utf-8");
        res.set_header("X-Pjm-Execution-Id", h.execution.id);
        res.set_header("X-Pjm-Exit-Code", std::to_string(h.execution.exit_code));
        return;
    }
    reply(ctx, res, status, o.message, std::move(result));
    // A storage failure (503) saved nothing: the client may try again in a moment.
    if (o.kind == core::ErrorKind::storage) res.set_header("Retry-After", "1");
}

void get_messages(ServerContext& ctx, const Request& req, Response& res) {
    Links links = links_for(ctx, req);
    reply(ctx, res, 200, status_message(200),
          {{"messages", 0},
           {"_links",
            {{"self", links.actor() + "/messages"}, {"owner", links.profile(links.owner)}}}});
}

} // namespace pjm::server
