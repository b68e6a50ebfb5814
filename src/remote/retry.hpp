// When and how long to retry a request to the manager: exponential backoff with full
// jitter, Retry-After honoured, bounded by a count and a total time.
#pragma once

#include "remote/budget.hpp"
#include "remote/http_client.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pjm::remote {

struct RetryPolicy {
    int retries = 4;                            // attempts after the first
    std::chrono::milliseconds max_time{60'000}; // all attempts and pauses together
    std::chrono::milliseconds base_delay{250};
    std::chrono::milliseconds max_delay{10'000};
    // The command's time for the manager, shared by all its requests: no pause outlasts it.
    std::shared_ptr<const Budget> budget;
};

// Worth another attempt: the request may not have arrived, or the manager asked to come back
// (connection errors, timeouts, broken connections, HTTP 429/502/503/504). Never other 4xx.
bool is_retryable(const HttpResponse& r);
// The pause Retry-After asks for: delta-seconds or an HTTP date; nothing when absent or bad.
std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& r,
                                                     std::chrono::system_clock::time_point now);
// The pause before attempt `attempt` (1 = first retry): uniform in [0, min(max, base·2^(n-1))].
std::chrono::milliseconds backoff(const RetryPolicy& p, int attempt);

// Runs `attempt` until it succeeds, fails for good, or the policy is spent. `on_retry` hears
// each pause (for -v). Returns the last response.
HttpResponse with_retries(
    const RetryPolicy& policy, const std::function<HttpResponse()>& attempt,
    const std::function<void(int, std::chrono::milliseconds, const HttpResponse&)>& on_retry = {});

} // namespace pjm::remote
