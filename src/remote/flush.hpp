// Delivering the outbox: oldest first, in order per job; a job's queue stops at the first
// message that is refused for good (kept, marked failed) or still cannot be delivered.
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
    std::vector<std::string> notes; // one line per message that did not go
};

struct FlushHooks {
    // The client to send `entry` with (its own URL, or a redirected one).
    std::function<const AbacoClient&(const OutboxEntry&)> client_for;
    std::function<void(int done, int total)> progress;
};

FlushReport flush(const Outbox& outbox, const FlushHooks& hooks);

} // namespace pjm::remote
