#include "remote/sender.hpp"

#include "core/hash.hpp"
#include "core/random.hpp"
#include "util/redact.hpp"

#include <algorithm>
#include <stdexcept>

namespace pjm::remote {

std::pair<std::string, std::string> describe_message(const nlohmann::json& body,
                                                     const core::QueryParams& query) {
    std::string job;
    if (body.is_object())
        if (auto it = body.find("uuid"); it != body.end() && it->is_string()) job = *it;
    if (job.empty()) job = query.get("uuid").value_or("");
    std::string what = "message";
    if (body.is_object() && body.contains("pipeline_uuid"))
        what = "create";
    else if (body.is_object() && body.contains("action"))
        what = "delete";
    else if (auto it = body.is_object() ? body.find("name") : body.end();
             body.is_object() && it != body.end() && it->is_string())
        what = it->get<std::string>();
    else if (auto n = query.get("name"))
        what = *n;
    return {job, job.empty() ? what : what + " " + job};
}

const AbacoClient& ClientsByUrl::client_for(const OutboxEntry& entry) {
    const std::string& url = m_redirect.empty() ? entry.url : m_redirect;
    auto it = m_clients.find(url);
    if (it == m_clients.end()) it = m_clients.emplace(url, m_make(url)).first;
    return it->second;
}

FlushHooks ClientsByUrl::hooks() {
    FlushHooks hooks;
    hooks.client_for = [this](const OutboxEntry& e) -> const AbacoClient& { return client_for(e); };
    return hooks;
}

// Say `run` was queued while the manager was down and `finish` comes once it is back: the
// job's queue goes first, through a flush of that queue alone. Returns "" when nothing of the
// job is left in the outbox, else why this message must wait behind it.
std::string Sender::send_earlier_first(const std::string& job) const {
    if (job.empty()) return "";
    // The job's messages that go to this manager (all but those pinned to another): they are
    // sent here, with this manager's credentials, and nowhere else.
    std::string manager = m_client.messages_url_without_credentials();
    auto mine = [&job, &manager](const OutboxEntry& e) {
        return e.job_uuid == job && goes_to(e, manager);
    };
    auto entries = m_outbox.list(nullptr, job);
    auto waiting = std::count_if(entries.begin(), entries.end(), mine);
    if (waiting == 0) return "";
    trace(std::to_string(waiting) + " earlier message(s) for job " + job +
          " wait in the outbox: sending them first");
    ClientsByUrl clients(m_options.client_for, m_options.manager_url);
    FlushHooks hooks = clients.hooks();
    hooks.send = m_options.resend;
    hooks.select = mine;
    hooks.job = job;
    hooks.connections = 1;
    FlushReport report;
    try {
        report = flush(m_outbox, hooks);
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

// Not delivered: kept in the outbox (kind queued) unless told not to (kind remote).
Sent Sender::keep(const Outgoing& m, const std::string& reason, const std::string& key) const {
    Sent sent;
    sent.kind = core::ErrorKind::remote;
    if (!m_options.keep_undelivered) {
        sent.message = reason + "\nnot delivered, and nothing queued (--no-outbox)";
        return sent;
    }
    OutboxEntry entry;
    // No credential of any kind in the file: not the nonce, not a URL's user and password.
    entry.url = util::url_without_userinfo(m_client.messages_url_without_credentials());
    entry.query = m.query.encode();
    entry.body = m.text;
    entry.key = key;
    std::tie(entry.job_uuid, entry.summary) = describe_message(m.body, m.query);
    entry.attempts = 1;
    entry.last_error = reason;
    entry.pinned = m_options.pin;
    try {
        m_outbox.enqueue(entry);
    } catch (const std::runtime_error& e) {
        sent.message = reason + "\nnot delivered, and it could not be queued either: " + e.what();
        return sent;
    }
    sent.kind = core::ErrorKind::queued;
    sent.queued_id = entry.id;
    sent.outbox = m_outbox.dir();
    sent.message = reason + "\nqueued as " + entry.id + " in " + m_outbox.dir() +
                   "; 'pjm outbox flush' delivers it later";
    return sent;
}

Sent Sender::send(const Outgoing& m, const std::string& not_tried) const {
    auto random = core::random_bytes(16);
    std::string key = core::to_hex(random.data(), random.size());
    if (!not_tried.empty()) return keep(m, not_tried, key);
    std::string job = describe_message(m.body, m.query).first;
    if (std::string behind = send_earlier_first(job); !behind.empty()) return keep(m, behind, key);
    trace("Idempotency-Key " + key);
    Reply r = m_options.post ? m_options.post(m.text, m.query, key)
                             : m_client.post_message(m.text, m.query, key);
    // Unreachable, or refused for the configuration (not the message): kept, to be flushed
    // once the manager is back or the configuration is fixed.
    if (!r.ok() && (r.retryable || r.misconfigured)) {
        Sent sent = keep(m, r.message, key);
        sent.unreachable = r.message;
        sent.reply = std::move(r);
        return sent;
    }
    Sent sent;
    sent.kind = r.kind;
    sent.message = r.message;
    sent.reply = std::move(r);
    return sent;
}

} // namespace pjm::remote
