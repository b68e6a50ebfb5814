// Retry decisions and pacing for requests to the manager.
#include "remote/retry.hpp"
#include "remote/transport_abi.h"

#include <gtest/gtest.h>

namespace pjm::remote {
namespace {

HttpResponse status(long s) {
    HttpResponse r;
    r.status = s;
    return r;
}

HttpResponse broken(int error) {
    HttpResponse r;
    r.transport_error = error;
    r.error_message = "broken";
    return r;
}

TEST(Retry, RetryableStatusesAndErrors) {
    for (long s : {429L, 502L, 503L, 504L})
        EXPECT_TRUE(is_retryable(status(s))) << s;
    for (long s : {200L, 400L, 401L, 403L, 404L, 409L, 413L, 500L})
        EXPECT_FALSE(is_retryable(status(s))) << s;
    EXPECT_TRUE(is_retryable(broken(PJM_TRANSPORT_CONNECT)));
    EXPECT_TRUE(is_retryable(broken(PJM_TRANSPORT_TIMEOUT)));
    EXPECT_TRUE(is_retryable(broken(PJM_TRANSPORT_SEND_RECV)));
    EXPECT_FALSE(is_retryable(broken(PJM_TRANSPORT_TLS))) << "a bad certificate will not heal";
}

TEST(Retry, RetryAfterSecondsAndDate) {
    auto now = std::chrono::system_clock::from_time_t(1'790'000'000);
    HttpResponse r = status(503);
    EXPECT_FALSE(retry_after(r, now));
    r.retry_after = "7";
    EXPECT_EQ(retry_after(r, now), std::chrono::milliseconds(7000));
    // 1790000000 + 30 s as an HTTP date (python: email.utils.formatdate(1790000030, usegmt=True))
    r.retry_after = "Mon, 21 Sep 2026 14:13:50 GMT";
    EXPECT_EQ(retry_after(r, now), std::chrono::milliseconds(30000));
    r.retry_after = "soon";
    EXPECT_FALSE(retry_after(r, now));
}

TEST(Retry, BackoffStaysWithinTheGrowingCap) {
    RetryPolicy p;
    p.base_delay = std::chrono::milliseconds(100);
    p.max_delay = std::chrono::milliseconds(1000);
    for (int attempt = 1; attempt <= 8; ++attempt) {
        long cap = std::min(1000L, 100L << (attempt - 1));
        for (int i = 0; i < 50; ++i) {
            auto d = backoff(p, attempt).count();
            EXPECT_GE(d, 0);
            EXPECT_LE(d, cap) << "attempt " << attempt;
        }
    }
}

TEST(Retry, StopsAfterTheCount) {
    RetryPolicy p;
    p.retries = 3;
    p.base_delay = std::chrono::milliseconds(1);
    int calls = 0;
    HttpResponse r = with_retries(p, [&] {
        ++calls;
        return status(503);
    });
    EXPECT_EQ(calls, 4) << "one attempt and three retries";
    EXPECT_EQ(r.status, 503);
}

TEST(Retry, StopsAtSuccessAndNeverRetriesOther4xx) {
    RetryPolicy p;
    p.base_delay = std::chrono::milliseconds(1);
    int calls = 0;
    HttpResponse ok = with_retries(p, [&] { return status(++calls < 3 ? 502 : 200); });
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(calls, 3);
    calls = 0;
    with_retries(p, [&] {
        ++calls;
        return status(409);
    });
    EXPECT_EQ(calls, 1);
}

TEST(Retry, StopsWhenTheTimeBudgetIsSpent) {
    RetryPolicy p;
    p.retries = 50;
    p.max_time = std::chrono::milliseconds(300);
    int calls = 0;
    auto start = std::chrono::steady_clock::now();
    with_retries(p, [&] {
        ++calls;
        HttpResponse r = status(503);
        r.retry_after = "1"; // asks for a second: beyond the budget
        return r;
    });
    EXPECT_EQ(calls, 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

} // namespace
} // namespace pjm::remote
