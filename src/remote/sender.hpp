// Sending one message as a client must: the job's earlier messages still in the outbox go
// first (a job's messages never overtake each other), one Idempotency-Key covers every attempt,
// and a message still undeliverable after the retries is kept in the outbox.
#pragma once

#include "core/error.hpp"
#include "core/message.hpp"
#include "core/query.hpp"
#include "remote/abaco_client.hpp"
#include "remote/flush.hpp"
#include "remote/outbox.hpp"

#include <functional>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace pjm::remote {

// One message on its way to a manager.
struct Outgoing {
    std::string text;        // the body exactly as it is POSTed
    nlohmann::json body;     // the same, parsed (null when it is not JSON)
    core::QueryParams query; // the message's own URL parameters
    // Already parsed and classified by the caller (a batch checks each line's kind first):
    // the local door hands it to the handler as it is instead of parsing `text` again.
    const core::Message* classified = nullptr;
};

// The job a message must stay in order with (empty for a create) and what an outbox listing
// shows of it ("finish 1073f4ff-…").
std::pair<std::string, std::string> describe_message(const nlohmann::json& body,
                                                     const core::QueryParams& query);

// What became of one message.
struct Sent {
    core::ErrorKind kind = core::ErrorKind::ok; // ok, a refusal (3-6), remote (7) or queued
    Reply reply;                                // the manager's answer, when it gave one
    std::string message;     // the manager's message, or why the message did not go
    std::string queued_id;   // the outbox entry, when queued
    std::string outbox;      // the outbox folder, when queued
    std::string unreachable; // why the manager could not be reached, when it could not
};

// Clients by messages URL, made on first use: a flush sends each queued message to the URL it
// was meant for (or to `redirect` when set), over one client per URL.
class ClientsByUrl {
  public:
    using Factory = std::function<AbacoClient(const std::string& url)>;
    explicit ClientsByUrl(Factory make, std::string redirect = {})
        : m_make(std::move(make)), m_redirect(std::move(redirect)) {}
    // Not thread-safe: flush() calls client_for under its lock.
    const AbacoClient& client_for(const OutboxEntry& entry);
    // Flush hooks whose client_for is this object's; it must outlive them.
    FlushHooks hooks();

  private:
    Factory m_make;
    std::string m_redirect;
    std::map<std::string, AbacoClient> m_clients;
};

struct SenderOptions {
    bool keep_undelivered = true; // false: refuse instead (--no-outbox)
    bool pin = false; // the URL was given on the command line: queued messages keep to it
    std::function<void(const std::string&)> trace; // -v lines, secrets already redacted
    // For the job's earlier messages: the client of a URL, and the configured manager's URL
    // (they are sent there, with its credentials, unless pinned to another).
    ClientsByUrl::Factory client_for;
    std::string manager_url;
    // Tests: replace the network. `post` stands for client.post_message, `resend` for the
    // flush of the job's earlier messages (FlushHooks::send).
    std::function<Reply(const std::string& text, const core::QueryParams& query,
                        const std::string& key)>
        post;
    std::function<Reply(const OutboxEntry&)> resend;
};

class Sender {
  public:
    Sender(AbacoClient client, Outbox outbox, SenderOptions options)
        : m_client(std::move(client)), m_outbox(std::move(outbox)), m_options(std::move(options)) {}

    // Sends `m` with a fresh Idempotency-Key. With `not_tried` set, nothing is tried: the
    // message is kept at once with that reason (a batch whose manager is already known to be
    // unreachable). Throws std::runtime_error when the transport module cannot be loaded.
    Sent send(const Outgoing& m, const std::string& not_tried = {}) const;

    const AbacoClient& client() const { return m_client; }
    const Outbox& outbox() const { return m_outbox; }

  private:
    std::string send_earlier_first(const std::string& job) const;
    Sent keep(const Outgoing& m, const std::string& reason, const std::string& key) const;
    void trace(const std::string& line) const {
        if (m_options.trace) m_options.trace(line);
    }

    AbacoClient m_client;
    Outbox m_outbox;
    SenderOptions m_options;
};

} // namespace pjm::remote
