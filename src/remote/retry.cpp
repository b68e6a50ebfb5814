#include "remote/retry.hpp"

#include "remote/transport_abi.h"

#include <algorithm>
#include <ctime>
#include <random>
#include <thread>

namespace pjm::remote {

bool is_retryable(const HttpResponse& r) {
    switch (r.transport_error) {
    case PJM_TRANSPORT_OK:
        break;
    case PJM_TRANSPORT_CONNECT:
    case PJM_TRANSPORT_TIMEOUT:
    case PJM_TRANSPORT_SEND_RECV:
        return true;
    default:
        return false; // TLS and configuration problems will not heal by waiting
    }
    return r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504;
}

std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& r,
                                                     std::chrono::system_clock::time_point now) {
    if (!r.retry_after || r.retry_after->empty()) return std::nullopt;
    const std::string& v = *r.retry_after;
    if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (v.size() > 9) return std::nullopt;
        return std::chrono::seconds(std::stol(v));
    }
    std::tm tm{};
    if (!strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
    return std::max(wait, std::chrono::milliseconds(0));
}

std::chrono::milliseconds backoff(const RetryPolicy& p, int attempt) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    auto cap = p.base_delay * (1LL << std::min(attempt - 1, 20));
    cap = std::min<std::chrono::milliseconds>(cap, p.max_delay);
    std::uniform_int_distribution<long long> pick(0, cap.count());
    return std::chrono::milliseconds(pick(rng));
}

HttpResponse with_retries(
    const RetryPolicy& policy, const std::function<HttpResponse()>& attempt,
    const std::function<void(int, std::chrono::milliseconds, const HttpResponse&)>& on_retry) {
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = attempt();
    for (int n = 1; n <= policy.retries && is_retryable(r); ++n) {
        auto pause = retry_after(r, std::chrono::system_clock::now()).value_or(backoff(policy, n));
        auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        if (spent + pause >= policy.max_time) break; // the next attempt would come too late
        if (policy.budget && pause >= policy.budget->left()) break; // the command's time is up
        if (on_retry) on_retry(n, pause, r);
        std::this_thread::sleep_for(pause);
        r = attempt();
    }
    return r;
}

} // namespace pjm::remote
