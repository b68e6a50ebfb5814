// Delivering the outbox: oldest first, in order per job; a job's queue stops at the first
// message that is refused for good (kept, marked failed) or still cannot be delivered.
// Different jobs' queues go out at once, over a few connections (see flush.cpp).
#pragma once

#include "core/error.hpp"
#include "remote/abaco_client.hpp"
#include "remote/outbox.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pjm::remote {

struct FlushReport {
    int delivered = 0;
    int still_queued = 0; // retryable failures and the messages behind them
    int failed = 0;       // refused for good, now and before
    core::ErrorKind first_failure = core::ErrorKind::ok;
    std::vector<std::string> notes; // one line per message that did not go, in queue order
};

struct FlushHooks {
    // The client to send `entry` with (its own URL, or a redirected one). Called under a lock;
    // the client it returns is then used from several threads at once.
    std::function<const AbacoClient&(const OutboxEntry&)> client_for;
    // Sends one message instead of client_for(entry).post_message(…) when set (tests).
    // Called from several threads at once.
    std::function<Reply(const OutboxEntry&)> send;
    // Messages handled so far, of all; called under a lock.
    std::function<void(int done, int total)> progress;
    // How many queues (jobs) go out at once, each over its own connection.
    int connections = 16;
    // Only the messages it accepts are flushed (all when unset): `pjm event` flushes just its
    // own job's queue before sending, so that a new message never overtakes older ones.
    std::function<bool(const OutboxEntry&)> select;
    // With `select`: the job whose messages it takes, so that the other jobs' files are not
    // even read (Outbox::list).
    std::string job;
};

FlushReport flush(const Outbox& outbox, const FlushHooks& hooks);

} // namespace pjm::remote
