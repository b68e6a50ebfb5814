// POST /actors/v2/<actorId>/messages: every message kind, JSON body or URL parameters, handled
// by core::Handler through the writer; the reply is the Abaco envelope with the execution id.
// GET on the same path answers as Abaco does (nothing is ever queued: handling is synchronous).
#include "core/hash.hpp"
#include "core/message.hpp"
#include "server/cloudevents_http.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

#include <stdexcept>
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
std::string request_digest(const Request& req, const std::string& body,
                           const core::QueryParams& query) {
    std::string credential = req.get_header_value("Authorization");
    if (auto nonce = query.get("x-nonce")) credential += "\n" + *nonce;
    return core::sha256_hex(body) + ":" + core::sha256_hex(credential);
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

namespace {

// A message as the messages route takes it: its text, its URL parameters (credentials
// included), its Idempotency-Key.
struct Incoming {
    std::string body;
    core::QueryParams query;
    std::optional<std::string> idempotency_key;
    std::string sent; // the bytes as sent (a form's whole body), which a key's digest binds
};

// What a message's reply says, before it is put into a response.
struct MessageReply {
    int status = 200;
    std::string message;
    nlohmann::json result;
    std::string log_detail;
};

// What every submission of a message carries besides the message: its execution id, the
// Idempotency-Key's digests, who sent it and when.
Submission submission_head(ServerContext& ctx, const Request& req, const Incoming& in) {
    Submission s;
    s.execution_id = in.idempotency_key
                         ? idempotent_execution_id(ctx.config.actor_id, *in.idempotency_key)
                         : new_execution_id();
    s.idempotent = in.idempotency_key.has_value();
    if (s.idempotent) s.request_digest = request_digest(req, in.sent, in.query);
    s.received_ms = ctx.clock.now_ms();
    s.executor = req.identity;
    s.worker_id = ctx.config.worker_id;
    return s;
}

// A CloudEvent (docs/integrations.md#cloudevents): read by its content mode, mapped by the
// site's --cloudevents-map; never classified as another kind.
Submission cloudevent_submission(ServerContext& ctx, const Request& req, const Incoming& in,
                                 CloudEventMode mode, std::string& shown) {
    Submission s = submission_head(ctx, req, in);
    std::vector<std::string> tokens;
    if (auto t = in.query.get("token")) tokens.push_back(*t);
    shown = core::redact_tokens(in.body, tokens);
    if (!ctx.config.cloudevents) {
        s.refusal = refusal(core::ErrorKind::invalid,
                            "this manager takes no CloudEvents: start pjm serve with "
                            "--cloudevents-map FILE, the table of the event each CloudEvent "
                            "type is");
        return s;
    }
    CloudEventRead read = cloudevent_of(req, mode);
    if (!read.event) {
        s.refusal = refusal(core::ErrorKind::invalid, read.error);
        return s;
    }
    core::KindRead r = core::read_cloudevent(*read.event, in.query, *ctx.config.cloudevents);
    if (r.message) {
        s.message = std::move(r.message);
        return s;
    }
    std::string why = "not a valid CloudEvent (CloudEvents 1.0 with the pjm job's uuid and "
                      "token in the URL): ";
    for (std::size_t i = 0; i < r.errors.size(); ++i)
        why += (i ? "; " : "") + r.errors[i];
    s.refusal = refusal(core::ErrorKind::invalid, why);
    return s;
}

// Parsing and classifying need no database: done on the connection's thread. `shown` is the
// message as the reply echoes it ("msg", as Abaco does), never with the tokens in it.
Submission submission_for(ServerContext& ctx, const Request& req, const Incoming& in,
                          std::string& shown) {
    Submission s = submission_head(ctx, req, in);
    core::ParsedBody parsed = core::parse_body(in.body);
    std::vector<std::string> tokens;
    if (auto t = in.query.get("token")) tokens.push_back(*t);
    if (parsed.value && parsed.value->is_object())
        if (auto it = parsed.value->find("token"); it != parsed.value->end() && it->is_string())
            tokens.push_back(it->get<std::string>());
    shown = core::redact_tokens(in.body, tokens);
    if (!parsed.value) {
        s.refusal = refusal(core::ErrorKind::invalid, parsed.error);
    } else {
        core::Classified c = core::classify(*parsed.value, in.query);
        if (c.message)
            s.message = std::move(c.message);
        else
            s.refusal = refusal(c.error.kind, c.error.message);
    }
    return s;
}

MessageReply reply_for(ServerContext& ctx, const Request& req, Handled& h, const std::string& shown,
                       std::chrono::steady_clock::time_point t0) {
    MessageReply r;
    if (h.replayed && h.other_body) {
        r.status = 422;
        r.message = "this Idempotency-Key was first used for another message (execution " +
                    h.execution.id + "); nothing was applied: send a new message with a new key";
        r.log_detail = "execution " + h.execution.id + " refused: Idempotency-Key reused";
        return r;
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
    r.status = core::http_status(o.kind);
    r.message = o.message;
    if (h.recorded) {
        r.result = abaco_result(ctx, message_result(h.execution, shown, o, links_for(ctx, req)));
    } else {
        r.result = abaco_result(ctx, {{"execution_id", nullptr},
                                      {"msg", shown},
                                      {"exit_code", core::exit_code(o.kind)},
                                      {"outcome", core::kind_name(o.kind)}});
    }
    r.log_detail = "execution " + (h.recorded ? h.execution.id : std::string("-")) + " " + kind +
                   " " + std::string(core::kind_name(o.kind)) + (h.replayed ? " (replayed)" : "");
    if (ctx.config.verbose > 0) r.log_detail += ": " + o.message;
    return r;
}

// The request's Idempotency-Key header, checked; nothing when it has none. Throws the
// refusal's text when it is given twice or is not a key.
std::optional<std::string> idempotency_header(const Request& req) {
    if (!req.has_header("Idempotency-Key")) return std::nullopt;
    if (req.get_header_value_count("Idempotency-Key") > 1)
        throw std::invalid_argument("Idempotency-Key is given more than once; give one key");
    std::string key = req.get_header_value("Idempotency-Key");
    if (!valid_idempotency_key(key))
        throw std::invalid_argument("Idempotency-Key must be 1 to 255 printable ASCII characters");
    return key;
}

} // namespace

// The reply to a message, once the writer has handled it (on the connection's thread).
void answer_message(ServerContext& ctx, const Request& req, Response& res, Handled& h,
                    const std::string& shown, bool synchronous_reply,
                    std::chrono::steady_clock::time_point t0) {
    MessageReply r = reply_for(ctx, req, h, shown, t0);
    res.log_detail = r.log_detail;
    // _abaco_synchronous=true: as Abaco, the reply is the execution's logs once it completed,
    // not an envelope; pjm's headers say what the logs cannot (docs/protocol.md#synchronous).
    if (h.recorded && !(h.replayed && h.other_body) && synchronous_reply) {
        res.status = 200;
        res.set_content(h.execution.log, "text/html; charset=utf-8");
        res.set_header("X-Pjm-Execution-Id", h.execution.id);
        res.set_header("X-Pjm-Exit-Code", std::to_string(h.execution.exit_code));
        return;
    }
    reply(ctx, res, r.status, r.message, std::move(r.result));
    // A storage failure (503) saved nothing: the client may try again in a moment.
    if (h.outcome.kind == core::ErrorKind::storage) res.set_header("Retry-After", "1");
}

// POST …/messages: checked and classified on the connection's thread, handed to the writer,
// answered on the connection's thread once its commit is done; no thread waits meanwhile.
void start_message(ServerContext& ctx, const Request& req, Response& res, Finish finish) {
    auto t0 = std::chrono::steady_clock::now();
    auto refuse = [&](int status, std::string why) {
        reply(ctx, res, status, why);
        finish({});
    };
    auto query = query_of(req);
    if (!query) return refuse(400, "the URL's query string has a malformed %-escape");
    Incoming in{message_text(req), *query, {}, req.body};
    try {
        in.idempotency_key = idempotency_header(req);
    } catch (const std::invalid_argument& e) {
        return refuse(400, e.what());
    }
    auto shown = std::make_shared<std::string>();
    CloudEventMode ce = cloudevent_mode(req);
    Submission s = ce == CloudEventMode::none ? submission_for(ctx, req, in, *shown)
                                              : cloudevent_submission(ctx, req, in, ce, *shown);
    bool sync = synchronous(*query);
    ctx.writer.submit_async(std::move(s), [&ctx, &req, &res, finish, shown, sync, t0](Handled h) {
        finish([&ctx, &req, &res, shown, sync, t0, h = std::move(h)]() mutable {
            answer_message(ctx, req, res, h, *shown, sync, t0);
        });
    });
}

// POST …/messages/batch (pjm's own; docs/protocol.md#message-batches): one job's queued
// messages from a sender's outbox, in order, each with its own URL parameters and
// Idempotency-Key. They are handled as the messages route handles each, sharing commits, and
// stop at the first one not accepted; the reply lists the replies of those handled, in order.
void post_message_batch(ServerContext& ctx, const Request& req, Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    auto outer = query_of(req);
    if (!outer) return reply(ctx, res, 400, "the URL's query string has a malformed %-escape");
    const std::string shape = "; a batch is {\"messages\": [{\"body\": TEXT, \"query\": "
                              "TEXT, \"idempotency_key\": TEXT}, …]}, up to " +
                              std::to_string(core::k_max_batch_messages) + " messages";
    nlohmann::json doc = nlohmann::json::parse(req.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("messages") || !doc["messages"].is_array())
        return reply(ctx, res, 400, "the body is not a batch of messages" + shape);
    const nlohmann::json& list = doc["messages"];
    if (list.empty() || list.size() > core::k_max_batch_messages)
        return reply(ctx, res, 400,
                     "a batch holds " + std::to_string(list.size()) + " messages" + shape);
    std::vector<Incoming> items;
    items.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        const nlohmann::json& m = list[i];
        std::string where = "message " + std::to_string(i + 1) + " of the batch ";
        auto text = [&](const char* key) -> const nlohmann::json* {
            auto it = m.is_object() ? m.find(key) : m.end();
            return m.is_object() && it != m.end() && it->is_string() ? &*it : nullptr;
        };
        if (!m.is_object() || !text("body"))
            return reply(ctx, res, 400, where + "has no \"body\" text" + shape);
        Incoming in{text("body")->get<std::string>(), {}, {}, {}};
        in.sent = in.body;
        if (const auto* q = text("query")) {
            auto parsed = core::QueryParams::parse(q->get<std::string>());
            if (!parsed)
                return reply(ctx, res, 400, where + "has a malformed %-escape in its query");
            in.query = std::move(*parsed);
        }
        if (synchronous(in.query))
            return reply(ctx, res, 400,
                         where + "asks to be handled synchronously: send such a message alone");
        // The credential is the batch's, as if each message had been sent with it.
        if (auto nonce = outer->get("x-nonce"); nonce && !in.query.has("x-nonce"))
            in.query.add("x-nonce", *nonce);
        if (const auto* key = text("idempotency_key")) {
            if (!valid_idempotency_key(key->get<std::string>()))
                return reply(ctx, res, 400,
                             where + "has an idempotency_key that is not 1 to 255 printable "
                                     "ASCII characters");
            in.idempotency_key = key->get<std::string>();
        }
        items.push_back(std::move(in));
    }
    std::vector<std::string> shown(items.size());
    std::vector<Submission> chain;
    chain.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        chain.push_back(submission_for(ctx, req, items[i], shown[i]));
    std::vector<Handled> handled = ctx.writer.submit_chain(std::move(chain));
    nlohmann::json replies = nlohmann::json::array();
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < handled.size() && !handled[i].skipped; ++i) {
        MessageReply r = reply_for(ctx, req, handled[i], shown[i], t0);
        replies.push_back({{"status", r.status},
                           {"reply", envelope(r.status < 400, r.message, std::move(r.result),
                                              ctx.config.version)}});
        if (!handled[i].accepted()) break;
        ++accepted;
    }
    res.log_detail = "batch of " + std::to_string(items.size()) + " messages, " +
                     std::to_string(accepted) + " accepted";
    reply(ctx, res, 200, status_message(200), {{"replies", std::move(replies)}});
}

void get_messages(ServerContext& ctx, const Request& req, Response& res) {
    Links links = links_for(ctx, req);
    reply(ctx, res, 200, status_message(200),
          {{"messages", 0},
           {"_links",
            {{"self", links.actor() + "/messages"}, {"owner", links.profile(links.owner)}}}});
}

} // namespace pjm::server
