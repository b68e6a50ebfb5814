// The one writer of pjm serve: messages from every connection queue here and are handled by
// core::Handler on a single database connection, in arrival order. Messages that arrive while
// a commit is under way are handled together in the next transaction, one savepoint each, and
// committed at once (group commit): one fsync for many messages, and still no reply before
// the commit that makes its message durable has returned. Each message's execution is
// written in the same transaction as the change it records.
#pragma once

#include "core/clock.hpp"
#include "core/handler.hpp"
#include "core/message.hpp"
#include "store/database.hpp"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pjm::server {

struct Submission {
    std::optional<core::Message> message; // nothing when the body was refused already
    core::Outcome refusal;                // why, when there is no message
    std::string execution_id;
    // The id comes from an Idempotency-Key: when an execution with it exists, its outcome is
    // the reply and nothing is handled.
    bool idempotent = false;
    // With an Idempotency-Key: the digests it is bound to (store::Execution::request_digest).
    std::string request_digest;
    std::int64_t received_ms = 0;
    std::string executor;  // who sent it (Request::identity)
    std::string worker_id; // this pjm serve process (ServeConfig::worker_id)
};

struct Handled {
    core::Outcome outcome;
    store::Execution execution;
    bool recorded = false; // the execution (and the outcome's change) was committed
    bool replayed = false; // an earlier execution with this Idempotency-Key answered
    // Replayed: the key was first used with another body (nothing is answered from it) or by
    // another credential (a create's token is not given again).
    bool other_body = false;
    bool other_sender = false;
    // Of a chain (submit_chain): not handled, because a message before it was not accepted.
    bool skipped = false;
    // Accepted: applied (or answered from its Idempotency-Key) with no refusal, the reply a
    // sender counts as delivered.
    bool accepted() const { return !skipped && !other_body && outcome.kind == core::ErrorKind::ok; }
};

class Writer {
  public:
    Writer(std::unique_ptr<store::Database> storage, const core::Clock& clock,
           core::HandlerConfig config, std::string actor_id, std::size_t max_batch = 64);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Blocks until the message's transaction has committed (or failed). Thread-safe.
    Handled submit(Submission s);
    // Queues the message and returns; `done` is called once, on the writer's thread, after
    // the transaction has committed (or failed), or at once when the writer has stopped. It
    // should only hand the reply on: every message queued behind waits while it runs.
    // Thread-safe.
    using Done = std::function<void(Handled)>;
    void submit_async(Submission s, Done done);
    // Messages that must be applied in this order, each only if all before it were accepted
    // (one job's queued messages, from a sender's outbox): queued together, so that they share
    // commits with each other; handled as submit() handles one. The first one not accepted
    // stops the chain: those after it are answered `skipped` and leave no trace. Blocks until
    // every one is answered. Thread-safe.
    std::vector<Handled> submit_chain(std::vector<Submission> chain);
    // Handles what is queued, then stops the thread; later submissions fail.
    void stop();

    std::uint64_t batches() const;
    // Why the last batch could not save a message (a full disk, a lost database), until a
    // batch saves again; nothing while writes go through. For /healthz.
    std::optional<std::string> failing() const;

  private:
    // A chain's state, seen by the writer thread only: whether a committed batch held one of
    // its messages that was not accepted.
    struct Chain {
        bool broken = false;
    };
    struct Item {
        Submission submission;
        Done reply;
        std::shared_ptr<Chain> chain; // of a submit_chain(); null for submit()
    };
    // Queues `items` (one message, or a chain in order) unless stopping; false if it is.
    bool enqueue(std::vector<Item>& items);
    void run();
    void handle_batch(std::deque<Item>& batch);
    void handle_one(const Submission& s, Handled& h);
    static void fail_batch(std::deque<Item>& batch, std::vector<Handled>& results,
                           const std::string& why);

    std::unique_ptr<store::Database> m_storage;
    const core::Clock& m_clock;
    core::Handler m_handler;
    std::string m_actor_id;
    std::size_t m_max_batch;

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Item> m_queue;
    bool m_stopping = false;
    std::uint64_t m_batches = 0;
    std::optional<std::string> m_failing; // guarded by m_mutex
    std::thread m_thread;
};

} // namespace pjm::server
