// pjm serve's writer: messages from many threads handled by one connection, committed in
// groups (Database::write_batch on SQLite: one savepoint per message), each with its execution.
#include "core/handler.hpp"
#include "core/message.hpp"
#include "server/checkpointer.hpp"
#include "server/execution.hpp"
#include "server/writer.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace pjm::server {
namespace {

using nlohmann::json;

class WriterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path = dir.file("pjm.db");
        setup = store::open(path);
        core::Handler h(*setup, clock, config());
        pipeline = h.uuids().pipeline_uuid("demo");
        ASSERT_TRUE(setup->add_pipeline({pipeline, "demo", "", "2026-01-01T00:00:00.000Z"}));
        for (int i = 0; i < 4; ++i) {
            core::Outcome o = h.handle(
                json{{"pipeline_uuid", pipeline}, {"archive_path", "/a"}, {"data", {{"n", i}}}},
                {});
            ASSERT_TRUE(o.ok()) << o.message;
            jobs.push_back(o.job->uuid);
            tokens.push_back(*o.token);
        }
    }

    static core::HandlerConfig config() {
        core::HandlerConfig c;
        c.admin.secret = "s";
        return c;
    }

    Submission message(const json& body, const core::QueryParams& query = {}) {
        Submission s;
        s.execution_id = new_execution_id();
        s.received_ms = clock.now_ms();
        core::Classified c = core::classify(body, query);
        if (c.message) {
            s.message = std::move(c.message);
        } else {
            s.refusal.kind = c.error.kind;
            s.refusal.message = c.error.message;
        }
        return s;
    }

    Submission event(int job, const std::string& name) {
        return message({{"uuid", jobs[job]}, {"name", name}, {"token", tokens[job]}});
    }

    test::TempDir dir;
    std::string path;
    core::SystemClock clock;
    std::unique_ptr<store::Database> setup;
    std::string pipeline;
    std::vector<std::string> jobs, tokens;
};

TEST_F(WriterTest, HandlesAndRecordsEachMessage) {
    Writer w(store::open(path), clock, config(), "act");
    Handled ok = w.submit(event(0, "run"));
    ASSERT_TRUE(ok.outcome.ok()) << ok.outcome.message;
    EXPECT_TRUE(ok.recorded);
    EXPECT_EQ(ok.outcome.job->state, core::State::running);
    auto e = setup->get_execution(ok.execution.id);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->actor_id, "act");
    EXPECT_EQ(e->status, "COMPLETE");
    EXPECT_EQ(e->exit_code, 0);
    EXPECT_EQ(e->job_uuid, jobs[0]);
    EXPECT_EQ(e->log, ok.outcome.message);

    Handled refused = w.submit(event(1, "finalize"));
    EXPECT_EQ(refused.outcome.kind, core::ErrorKind::conflict);
    EXPECT_TRUE(refused.recorded);
    EXPECT_EQ(setup->get_execution(refused.execution.id)->exit_code, 6);
    EXPECT_EQ(setup->get_job(jobs[1], core::HistoryWindow::all())->history.size(), 1u);

    Handled invalid = w.submit(message(json::array()));
    EXPECT_EQ(invalid.outcome.kind, core::ErrorKind::invalid);
    EXPECT_TRUE(invalid.recorded);
    EXPECT_EQ(setup->get_execution(invalid.execution.id)->exit_code, 3);
}

TEST_F(WriterTest, ManyThreadsEveryMessageOnceAndRefusalsLeaveNoTrace) {
    Writer w(store::open(path), clock, config(), "act");
    for (int j = 0; j < 4; ++j)
        ASSERT_TRUE(w.submit(event(j, "run")).outcome.ok());
    constexpr int k_threads = 16, k_each = 25;
    std::atomic<int> ok{0}, conflicts{0}, recorded{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_each; ++i) {
                // Every fifth message is refused (finalize from RUNNING) inside the same
                // batches as the accepted ones.
                Handled h = w.submit(event((t + i) % 4, i % 5 == 0 ? "finalize" : "update"));
                ok += h.outcome.ok();
                conflicts += h.outcome.kind == core::ErrorKind::conflict;
                recorded += h.recorded;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(ok + conflicts, k_threads * k_each);
    EXPECT_EQ(conflicts, k_threads * k_each / 5);
    EXPECT_EQ(recorded, k_threads * k_each);
    std::size_t entries = 0;
    for (const auto& j : jobs) {
        auto job = setup->get_job(j, core::HistoryWindow::all());
        entries += job->history.size();
        EXPECT_EQ(job->event_count, static_cast<std::int64_t>(job->history.size()));
        EXPECT_EQ(job->state, core::State::running);
        for (const auto& e : job->history)
            EXPECT_NE(e.name, "finalize");
    }
    EXPECT_EQ(entries, 4u * 2 + ok); // create + run each, then every accepted update
    EXPECT_LE(w.batches(), 4u + k_threads * k_each);
}

TEST_F(WriterTest, ARepeatedIdempotencyKeyIsAnsweredNotHandled) {
    Writer w(store::open(path), clock, config(), "act");
    auto keyed = [&](const std::string& key, int job, const std::string& name) {
        Submission s = event(job, name);
        s.execution_id = idempotent_execution_id("act", key);
        s.idempotent = true;
        return s;
    };
    Handled first = w.submit(keyed("k1", 0, "run"));
    ASSERT_TRUE(first.outcome.ok());
    EXPECT_FALSE(first.replayed);
    Handled again = w.submit(keyed("k1", 0, "run"));
    EXPECT_TRUE(again.replayed);
    EXPECT_TRUE(again.outcome.ok());
    EXPECT_EQ(again.execution.id, first.execution.id);
    EXPECT_EQ(again.outcome.message, first.outcome.message);
    EXPECT_EQ(setup->get_job(jobs[0], core::HistoryWindow::all())->history.size(),
              2u); // create + one run
    // A refusal is remembered as well: the same key gets the same 409, even once the job
    // would accept the message.
    Handled refused = w.submit(keyed("k2", 1, "finish"));
    EXPECT_EQ(refused.outcome.kind, core::ErrorKind::conflict);
    ASSERT_TRUE(w.submit(event(1, "run")).outcome.ok());
    Handled still = w.submit(keyed("k2", 1, "finish"));
    EXPECT_TRUE(still.replayed);
    EXPECT_EQ(still.outcome.kind, core::ErrorKind::conflict);
    EXPECT_EQ(setup->get_job(jobs[1], core::HistoryWindow::none())->state, core::State::running);
    // Repeats inside one batch: many threads, one key, one change.
    std::vector<std::thread> threads;
    std::atomic<int> handled{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] { handled += !w.submit(keyed("k3", 2, "run")).replayed; });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(handled, 1);
    EXPECT_EQ(setup->get_job(jobs[2], core::HistoryWindow::all())->history.size(), 2u);
}

// A storage failure is not kept under its Idempotency-Key: once the database is well again, a
// retry with the same key is applied (it was answered with the failure forever before).
TEST_F(WriterTest, AStorageFailureIsNotKeptUnderItsIdempotencyKey) {
    auto sql = [this](const char* text) { // on a connection of its own, as an operator's
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        char* err = nullptr;
        EXPECT_EQ(sqlite3_exec(raw, text, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
        sqlite3_free(err);
        sqlite3_close(raw);
    };
    // As a full disk would: this one message's history entry cannot be written.
    sql("CREATE TRIGGER poison BEFORE INSERT ON history WHEN NEW.data LIKE '%poison%' "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    Writer w(store::open(path), clock, config(), "act");
    ASSERT_TRUE(w.submit(event(0, "run")).outcome.ok());
    auto keyed = [&] {
        Submission s = message({{"uuid", jobs[0]},
                                {"name", "update"},
                                {"token", tokens[0]},
                                {"data", {{"poison", 1}}}});
        s.execution_id = idempotent_execution_id("act", "key-1");
        s.idempotent = true;
        return s;
    };
    Handled failed = w.submit(keyed());
    EXPECT_EQ(failed.outcome.kind, core::ErrorKind::storage) << failed.outcome.message;
    EXPECT_FALSE(failed.recorded);
    EXPECT_FALSE(setup->get_execution(idempotent_execution_id("act", "key-1")));
    EXPECT_EQ(setup->get_job(jobs[0], core::HistoryWindow::all())->history.size(), 2u)
        << "nothing of it was saved";

    sql("DROP TRIGGER poison");
    Handled retried = w.submit(keyed());
    ASSERT_TRUE(retried.outcome.ok()) << retried.outcome.message;
    EXPECT_FALSE(retried.replayed) << "the retry is applied, not answered with the failure";
    EXPECT_TRUE(retried.recorded);
    Handled again = w.submit(keyed());
    EXPECT_TRUE(again.replayed) << "and from then on its key is remembered";
    EXPECT_EQ(setup->get_job(jobs[0], core::HistoryWindow::all())->history.size(), 3u)
        << "applied exactly once";
}

TEST_F(WriterTest, SubmitAfterStopFailsWithoutChangingAnything) {
    Writer w(store::open(path), clock, config(), "act");
    w.stop();
    Handled h = w.submit(event(0, "run"));
    EXPECT_EQ(h.outcome.kind, core::ErrorKind::storage);
    EXPECT_FALSE(h.recorded);
    EXPECT_EQ(setup->get_job(jobs[0], core::HistoryWindow::none())->state, core::State::created);
}

// write_batch itself: savepoints keep a refused write out; an exception drops the batch.
TEST_F(WriterTest, WriteBatchSavepointsAndRollback) {
    auto s = store::open(path);
    core::Handler h(*s, clock, config());
    auto body = [&](int j, const char* name) {
        return json{{"uuid", jobs[j]}, {"name", name}, {"token", tokens[j]}};
    };
    core::Outcome a, b, c;
    s->write_batch([&] {
        a = h.handle(body(0, "run"), {});
        b = h.handle(body(1, "finalize"), {}); // refused: its savepoint is rolled back
        c = h.handle(body(2, "run"), {});
    });
    EXPECT_TRUE(a.ok());
    EXPECT_EQ(b.kind, core::ErrorKind::conflict);
    EXPECT_TRUE(c.ok());
    EXPECT_EQ(setup->get_job(jobs[0], core::HistoryWindow::none())->state, core::State::running);
    EXPECT_EQ(setup->get_job(jobs[1], core::HistoryWindow::all())->history.size(), 1u);
    EXPECT_EQ(setup->get_job(jobs[2], core::HistoryWindow::none())->state, core::State::running);

    EXPECT_THROW(s->write_batch([&] {
        ASSERT_TRUE(h.handle(body(3, "run"), {}).ok());
        throw core::StorageError("simulated failure");
    }),
                 core::StorageError);
    EXPECT_EQ(setup->get_job(jobs[3], core::HistoryWindow::all())->history.size(),
              1u); // nothing of the batch
    // The connection is usable afterwards, inside a batch or not.
    EXPECT_TRUE(h.handle(body(3, "run"), {}).ok());
    EXPECT_THROW(s->write_batch([&] { s->write_batch([] {}); }), core::StorageError);
}

} // namespace
} // namespace pjm::server

namespace pjm::server {
namespace {

TEST_F(WriterTest, AChainStopsAtItsFirstRefusalAcrossBatches) {
    // Batches of 2: the chain spans several transactions, and other senders' messages in
    // between are handled as ever.
    Writer w(store::open(path), clock, config(), "act", 2);
    std::vector<Submission> chain;
    chain.push_back(event(0, "run"));
    chain.push_back(event(0, "update"));
    chain.push_back(event(0, "update"));
    chain.push_back(event(0, "ready")); // refused: an admin event, and not from RUNNING
    chain.push_back(event(0, "update"));
    chain.push_back(event(0, "finish"));
    std::vector<std::string> ids;
    for (const Submission& s : chain)
        ids.push_back(s.execution_id);
    std::thread other([&] { EXPECT_TRUE(w.submit(event(1, "run")).outcome.ok()); });
    std::vector<Handled> out = w.submit_chain(std::move(chain));
    other.join();
    ASSERT_EQ(out.size(), 6u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(out[i].accepted()) << i << ": " << out[i].outcome.message;
        EXPECT_TRUE(setup->get_execution(ids[i])) << i;
    }
    EXPECT_FALSE(out[3].accepted());
    EXPECT_FALSE(out[3].skipped);
    EXPECT_TRUE(out[3].recorded) << "a refusal is recorded, as for a message sent alone";
    for (int i = 4; i < 6; ++i) {
        EXPECT_TRUE(out[i].skipped) << i;
        EXPECT_FALSE(out[i].recorded) << i;
        EXPECT_FALSE(setup->get_execution(ids[i])) << i << " left no execution";
    }
    auto job = setup->get_job(jobs[0], core::HistoryWindow::none());
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, core::State::running);
    EXPECT_EQ(job->event_count, 4) << "create, run and two updates: nothing after the refusal";
}

TEST_F(WriterTest, AChainAfterStopFailsWhole) {
    Writer w(store::open(path), clock, config(), "act");
    w.stop();
    std::vector<Submission> chain;
    chain.push_back(event(0, "run"));
    chain.push_back(event(0, "update"));
    std::vector<Handled> out = w.submit_chain(std::move(chain));
    ASSERT_EQ(out.size(), 2u);
    for (const Handled& h : out) {
        EXPECT_EQ(h.outcome.kind, core::ErrorKind::storage);
        EXPECT_FALSE(h.accepted());
    }
    auto job = setup->get_job(jobs[0], core::HistoryWindow::none());
    EXPECT_EQ(job->event_count, 1);
}

TEST(Checkpointer, RunsOnlyAfterCommitsAndOnceMoreAtStop) {
    test::TempDir dir;
    auto storage = store::open(dir.file("pjm.db"));
    std::atomic<std::uint64_t> commits{0};
    std::vector<std::string> errors;
    Checkpointer c(
        std::move(storage), std::chrono::milliseconds(5), [&] { return commits.load(); },
        [&](const std::string& e) { errors.push_back(e); });
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    EXPECT_EQ(c.rounds(), 0u); // nothing committed: nothing to copy
    commits = 1;
    for (int i = 0; i < 200 && c.rounds() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(c.rounds(), 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(c.rounds(), 1u);
    c.stop();
    EXPECT_EQ(c.rounds(), 2u);
    EXPECT_TRUE(errors.empty());
}

TEST_F(WriterTest, CommitsWithoutAutomaticCheckpointsStayReadable) {
    auto writer_storage = store::open(path, store::Create::yes, {.automatic_checkpoints = false});
    Writer w(std::move(writer_storage), clock, config(), "act");
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(w.submit(event(i % 4, i < 4 ? "run" : "update")).outcome.ok());
    auto reader = store::open(path);
    reader->checkpoint();
    EXPECT_EQ(reader->get_job(jobs[0], core::HistoryWindow::all())->history.size(),
              1u + 13u); // create + 13 messages
}

} // namespace
} // namespace pjm::server
