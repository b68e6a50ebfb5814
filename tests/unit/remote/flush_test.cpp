// Flushing the outbox: jobs' queues go out at once, each job's messages in queue order, a job
// stops at its first message that did not go, and nothing is lost when a sender fails.
#include "remote/flush.hpp"
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace pjm::remote {
namespace {

OutboxEntry entry(const std::string& job, int n) {
    OutboxEntry e;
    e.url = "http://127.0.0.1:1/actors/v2/A/messages";
    e.body = R"({"uuid":")" + job + R"(","name":"update","data":{"n":)" + std::to_string(n) + "}}";
    e.key = job + "-" + std::to_string(n);
    e.job_uuid = job;
    e.summary = "update " + job;
    return e;
}

Reply ok() {
    return Reply{};
}
Reply refused(core::ErrorKind kind, bool retryable) {
    Reply r;
    r.kind = kind;
    r.retryable = retryable;
    r.message = retryable ? "the manager is down" : "not allowed";
    return r;
}

// Records what was sent, per job, and how many sends were in flight at once.
struct Recorder {
    std::mutex mutex;
    std::map<std::string, std::vector<std::string>> per_job; // job -> keys, in sending order
    std::vector<std::string> all;
    std::atomic<int> in_flight{0};
    std::atomic<int> most_in_flight{0};

    void sent(const OutboxEntry& e) {
        int now = ++in_flight;
        int seen = most_in_flight;
        while (now > seen && !most_in_flight.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
            std::lock_guard g(mutex);
            per_job[e.job_uuid].push_back(e.key);
            all.push_back(e.key);
        }
        --in_flight;
    }
};

TEST(Flush, JobsGoOutAtOnceEachInQueueOrder) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    // Queued interleaved, as several epilogues would: J0-1, J1-1, …, J0-2, …
    for (int n = 1; n <= 25; ++n)
        for (int j = 0; j < 8; ++j) {
            OutboxEntry e = entry("J" + std::to_string(j), n);
            box.enqueue(e);
        }
    Recorder rec;
    FlushHooks hooks;
    hooks.send = [&rec](const OutboxEntry& e) {
        rec.sent(e);
        return ok();
    };
    int last_done = -1, calls = 0;
    hooks.progress = [&](int done, int total) {
        EXPECT_EQ(total, 200);
        EXPECT_GE(done, last_done) << "progress never goes back";
        last_done = done;
        ++calls;
    };
    FlushReport r = flush(box, hooks);
    EXPECT_EQ(r.delivered, 200);
    EXPECT_EQ(r.still_queued, 0);
    EXPECT_EQ(r.failed, 0);
    EXPECT_TRUE(r.notes.empty());
    EXPECT_EQ(last_done, 200);
    EXPECT_GT(calls, 200);
    EXPECT_TRUE(box.list().empty()) << "every delivered message is removed";
    ASSERT_EQ(rec.per_job.size(), 8u);
    for (const auto& [job, keys] : rec.per_job) {
        ASSERT_EQ(keys.size(), 25u) << job;
        for (int n = 1; n <= 25; ++n)
            EXPECT_EQ(keys[n - 1], job + "-" + std::to_string(n)) << "each job in queue order";
    }
    EXPECT_GT(rec.most_in_flight.load(), 1) << "different jobs' messages went out at once";
    EXPECT_LE(rec.most_in_flight.load(), hooks.connections);
}

TEST(Flush, OneConnectionSendsEverythingInOrder) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    for (int n = 1; n <= 5; ++n)
        for (const char* job : {"A", "B"}) {
            OutboxEntry e = entry(job, n);
            box.enqueue(e);
        }
    Recorder rec;
    FlushHooks hooks;
    hooks.connections = 1;
    hooks.send = [&rec](const OutboxEntry& e) {
        rec.sent(e);
        return ok();
    };
    EXPECT_EQ(flush(box, hooks).delivered, 10);
    EXPECT_EQ(rec.most_in_flight.load(), 1);
    EXPECT_EQ(rec.per_job["A"], (std::vector<std::string>{"A-1", "A-2", "A-3", "A-4", "A-5"}));
}

TEST(Flush, MessagesOfNoJobGoFirst) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    OutboxEntry a = entry("J", 1);
    box.enqueue(a);
    OutboxEntry create = entry("", 0);
    create.key = "create";
    box.enqueue(create);
    Recorder rec;
    FlushHooks hooks;
    hooks.send = [&rec](const OutboxEntry& e) {
        rec.sent(e);
        return ok();
    };
    EXPECT_EQ(flush(box, hooks).delivered, 2);
    EXPECT_EQ(rec.all, (std::vector<std::string>{"create", "J-1"}));
}

TEST(Flush, AJobStopsAtItsFirstFailureOthersGoOn) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    for (int n = 1; n <= 3; ++n)
        for (const char* job : {"down", "bad", "fine"}) {
            OutboxEntry e = entry(job, n);
            box.enqueue(e);
        }
    Recorder rec;
    FlushHooks hooks;
    hooks.send = [&rec](const OutboxEntry& e) {
        rec.sent(e);
        if (e.key == "down-2") return refused(core::ErrorKind::remote, true);
        if (e.key == "bad-1") return refused(core::ErrorKind::conflict, false);
        return ok();
    };
    FlushReport r = flush(box, hooks);
    EXPECT_EQ(r.delivered, 4);    // down-1, fine-1..3
    EXPECT_EQ(r.still_queued, 4); // down-2 (not delivered now), and down-3, bad-2, bad-3 behind
    EXPECT_EQ(r.failed, 1);       // bad-1, refused for good
    EXPECT_EQ(r.first_failure, core::ErrorKind::conflict);
    EXPECT_EQ(rec.per_job["down"], (std::vector<std::string>{"down-1", "down-2"}));
    EXPECT_EQ(rec.per_job["bad"], (std::vector<std::string>{"bad-1"}));
    EXPECT_EQ(rec.per_job["fine"].size(), 3u);
    // Kept: the failed ones with their attempt and error, durably; the ones behind them as is.
    auto left = box.list();
    ASSERT_EQ(left.size(), 5u);
    std::map<std::string, OutboxEntry> by_key;
    for (auto& e : left)
        by_key[e.key] = e;
    EXPECT_EQ(by_key["down-2"].attempts, 1);
    EXPECT_FALSE(by_key["down-2"].failed);
    EXPECT_EQ(by_key["down-2"].last_error, "the manager is down");
    EXPECT_TRUE(by_key["bad-1"].failed);
    EXPECT_EQ(by_key["bad-2"].attempts, 0);
    // The notes come in queue order whatever thread wrote them.
    ASSERT_EQ(r.notes.size(), 5u);
    std::vector<std::string> ids;
    for (auto& e : left)
        ids.push_back(e.id);
    for (std::size_t i = 0; i < ids.size(); ++i)
        EXPECT_EQ(r.notes[i].rfind(ids[i], 0), 0u) << r.notes[i];

    // Next time: the refused one holds its job back and is not sent again; the rest go.
    Recorder again;
    hooks.send = [&again](const OutboxEntry& e) {
        again.sent(e);
        return ok();
    };
    r = flush(box, hooks);
    EXPECT_EQ(r.delivered, 2);
    EXPECT_EQ(r.failed, 1);
    EXPECT_EQ(r.still_queued, 2);
    EXPECT_EQ(again.all, (std::vector<std::string>{"down-2", "down-3"}));
}

TEST(Flush, ASenderThatThrowsStopsTheFlushAndLosesNothing) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    for (int n = 1; n <= 4; ++n)
        for (int j = 0; j < 4; ++j) {
            OutboxEntry e = entry("J" + std::to_string(j), n);
            box.enqueue(e);
        }
    std::atomic<int> sent{0};
    FlushHooks hooks;
    hooks.send = [&sent](const OutboxEntry& e) -> Reply {
        if (e.key == "J2-2") throw std::runtime_error("the transport module is missing");
        ++sent;
        return ok();
    };
    EXPECT_THROW(flush(box, hooks), std::runtime_error);
    EXPECT_EQ(static_cast<int>(box.list().size()), 16 - sent.load())
        << "what was not delivered is still queued";
}

} // namespace
} // namespace pjm::remote
