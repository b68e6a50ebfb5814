// The remote door: the message goes to the manager through remote::Sender (the job's earlier
// messages first, retries, the outbox); --wait then follows its execution.
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/present.hpp"
#include "remote/wait.hpp"

#include <stdexcept>

namespace pjm::cli {

void RemoteDoor::stop_trying(const std::string& why) {
    if (m_unreachable.empty()) m_unreachable = why;
}

Delivery RemoteDoor::deliver(const remote::Outgoing& original) {
    remote::Outgoing m = original;
    if (m_options.sync) m.query.add("_abaco_synchronous", "true");
    remote::Sent sent;
    try {
        sent = m_sender.send(m, m_unreachable);
    } catch (const std::runtime_error& e) { // the transport module is missing or broken
        throw CliError(core::ErrorKind::remote, e.what());
    }
    Delivery d;
    d.kind = sent.kind;
    d.outcome = outcome_name(sent.kind, "sent");
    d.message = sent.message;
    d.execution_id = sent.reply.execution_id;
    d.outbox_id = sent.queued_id;
    d.outbox = sent.outbox;
    d.unreachable = sent.unreachable;
    // pjm serve's reply says what it did; another manager's may not.
    if (const nlohmann::json& res = sent.reply.result;
        res.is_object() && sent.kind == core::ErrorKind::ok) {
        if (auto it = res.find("kind"); it != res.end() && it->is_string()) d.message_kind = *it;
        if (auto it = res.find("job"); it != res.end() && it->is_object()) d.job = *it;
        if (auto it = res.find("token"); it != res.end() && it->is_string())
            d.token = it->get<std::string>();
    }
    if (d.job.is_object() && d.job.contains("uuid"))
        d.uuid = d.job["uuid"];
    else
        d.uuid = named_job(m);
    if (d.ok() && m_options.wait_seconds >= 0 && !d.execution_id.empty()) {
        remote::Waited w = remote::wait_for_execution(m_sender.client(), d.execution_id,
                                                      m_options.wait_seconds, m_trace);
        if (!w.ok()) {
            d.kind = w.failure;
            d.message = w.logs;
        } else {
            d.kind = core::kind_for_exit_code(w.exit_code);
            d.message = w.logs;
            if (d.message.empty())
                d.message = w.exit_code == 0 ? "done: execution " + d.execution_id
                                             : "the manager refused the message";
            d.execution = w.result;
        }
        d.outcome = outcome_name(d.kind, "sent");
    }
    return d;
}

} // namespace pjm::cli
