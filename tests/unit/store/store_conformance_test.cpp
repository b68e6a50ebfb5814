// One suite, every backend: what store::Database (core::Storage and the rest) promises, checked
// the same way against a SQLite file and a real PostgreSQL database (a fresh one per test).
#include "store/store.hpp"
#include "test_databases.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace pjm::store {
namespace {

// A job filter with only what `set` sets (designated initializers would warn about the rest).
template <class Set> pjm::core::JobFilter filter(Set set) {
    pjm::core::JobFilter f;
    set(f);
    return f;
}

using core::Job;
using core::State;
using nlohmann::json;

Job make_job(const std::string& uuid, const std::string& pipeline, const std::string& updated) {
    Job j;
    j.uuid = uuid;
    j.pipeline_uuid = pipeline;
    j.archive_path = "/a";
    j.data = {{"k", uuid}};
    j.created = j.updated = updated;
    j.salt = "c2FsdA==";
    j.history.push_back({"108" + uuid.substr(3), "create", updated, json::object()});
    j.event_count = 1;
    return j;
}

class StoreConformance : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        db = std::make_unique<test::TestDatabase>(GetParam());
        s = open(db->url());
        ASSERT_TRUE(s->add_pipeline({p1, "one", "first", "2026-01-01T00:00:00.000Z"}));
        ASSERT_TRUE(s->add_pipeline({p2, "two", "", "2026-01-01T00:00:00.000Z"}));
    }
    void insert(const Job& j, core::Storage* on = nullptr) {
        (on ? on : s.get())->write([&](core::StorageTx& tx) {
            tx.insert_job(j);
            return true;
        });
    }
    // One `update` event through a transaction, as the handler appends it.
    void append(core::Storage& on, const std::string& uuid, const json& data) {
        on.write([&](core::StorageTx& tx) {
            auto job = tx.load_job_for_update(uuid);
            EXPECT_TRUE(job);
            if (!job) return false;
            tx.append_event(*job, {"108x", "update", "2026-01-01T00:00:02.000Z", data}, job->state);
            return true;
        });
    }

    std::unique_ptr<test::TestDatabase> db;
    std::unique_ptr<store::Database> s;
    const std::string p1 = "10600000-0000-5000-8000-000000000001";
    const std::string p2 = "10600000-0000-5000-8000-000000000002";
    const std::string j1 = "10700000-0000-5000-8000-000000000001";
    const std::string j2 = "10700000-0000-5000-8000-000000000002";
};

TEST_P(StoreConformance, NewDatabaseHasSchemaAndOwnAdminSecret) {
    auto secret = s->get_setting("admin_secret");
    ASSERT_TRUE(secret);
    EXPECT_EQ(secret->size(), 64u) << "a random admin secret is made with the database";
    EXPECT_EQ(secret->find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(s->describe().rfind(db->postgres() ? "postgresql://" : "sqlite:", 0), 0u)
        << s->describe();
    auto other = test::TestDatabase(GetParam());
    EXPECT_NE(open(other.url())->get_setting("admin_secret"), secret) << "each its own secret";
}

TEST_P(StoreConformance, ReopeningKeepsDataAndSecret) {
    auto secret = s->get_setting("admin_secret");
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    s.reset();
    s = open(db->url());
    EXPECT_EQ(s->get_setting("admin_secret"), secret);
    EXPECT_TRUE(s->get_job(j1, core::HistoryWindow::none()));
}

TEST_P(StoreConformance, NewerSchemaIsRefused) {
    s.reset();
    db->set_newer_schema(99);
    try {
        open(db->url());
        FAIL() << "a newer schema must be refused";
    } catch (const core::StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("upgrade pjm"), std::string::npos) << e.what();
    }
    EXPECT_THROW(update_schema(db->url(), SchemaAction::migrate), core::StorageError)
        << "migrate never downgrades";
}

TEST_P(StoreConformance, SchemaCommandsReportVersions) {
    SchemaReport r = update_schema(db->url(), SchemaAction::init);
    EXPECT_EQ(r.before, r.current);
    EXPECT_EQ(r.after, r.current);
    EXPECT_GE(r.current, 2);
    r = update_schema(db->url(), SchemaAction::migrate);
    EXPECT_EQ(r.before, r.current);
    EXPECT_EQ(r.database, s->describe());
}

TEST_P(StoreConformance, SettingsAreKept) {
    EXPECT_FALSE(s->get_setting("nothing"));
    s->set_setting("k", "v1");
    s->set_setting("k", "v2");
    EXPECT_EQ(s->get_setting("k"), "v2");
}

TEST_P(StoreConformance, DuplicatePipelineIsReported) {
    EXPECT_FALSE(s->add_pipeline({p1, "again", "", "2026-01-02T00:00:00.000Z"}));
    auto all = s->list_pipelines();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "one");
    EXPECT_EQ(all[1].name, "two");
    auto got = s->get_pipeline(p1);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->description, "first");
    EXPECT_EQ(got->created, "2026-01-01T00:00:00.000Z");
    EXPECT_FALSE(s->get_pipeline("10600000-0000-5000-8000-00000000dead"));
}

TEST_P(StoreConformance, PipelinesListInByteOrderOfName) {
    ASSERT_TRUE(s->add_pipeline({"10600000-0000-5000-8000-000000000003", "Zeta", "", "t"}));
    ASSERT_TRUE(s->add_pipeline({"10600000-0000-5000-8000-000000000004", "alpha", "", "t"}));
    std::vector<std::string> names;
    for (const auto& p : s->list_pipelines())
        names.push_back(p.name);
    EXPECT_EQ(names, (std::vector<std::string>{"Zeta", "alpha", "one", "two"}));
}

TEST_P(StoreConformance, EveryFieldRoundTrips) {
    Job j = make_job(j1, p1, "2026-01-01T00:00:01.000Z");
    j.archive_system = "storage.example.org";
    j.archive_patterns = json::array({"^a.*\\.txt$", "b"});
    j.product_patterns = json::array({"out/.*"});
    j.data = json::parse(R"({"float": 0.1, "tiny": 1e-07, "one": 1.0, "big": 9223372036854775807,
        "neg": -5, "text": "é ✓ \"quoted\" \\ back", "nested": {"list": [1, [2, {}]], "null": null},
        "empty": ""})");
    j.session = "session-1";
    j.agent = "agent-1";
    j.task = "task-1";
    j.history[0].data = {{"why", "first"}};
    j.history.push_back({"10800000-0000-5000-8000-000000000002", "run", "2026-01-01T00:00:02.000Z",
                         json::parse(R"({"x": [1.5, "y"]})")});
    j.state = State::running;
    j.last_event = "run";
    j.updated = "2026-01-01T00:00:02.000Z";
    insert(j);
    auto got = s->get_job(j1, core::HistoryWindow::all());
    ASSERT_TRUE(got);
    j.event_count = 2;
    EXPECT_EQ(core::to_document(*got), core::to_document(j));
    EXPECT_EQ(got->salt, j.salt);
    EXPECT_EQ(got->data.dump(), j.data.dump()) << "numbers keep their form";
    EXPECT_EQ(got->event_count, 2);

    Job bare = make_job(j2, p2, "2026-01-01T00:00:03.000Z"); // optional fields absent
    insert(bare);
    got = s->get_job(j2, core::HistoryWindow::none());
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->archive_system);
    EXPECT_FALSE(got->session);
    EXPECT_FALSE(got->agent);
    EXPECT_FALSE(got->task);
    EXPECT_TRUE(got->history.empty()) << "no history unless asked";
}

TEST_P(StoreConformance, AppendKeepsOrderAndCount) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    for (int i = 0; i < 50; ++i) {
        s->write([&](core::StorageTx& tx) {
            auto job = tx.load_job_for_update(j1);
            EXPECT_TRUE(job);
            tx.append_event(*job, {"108x", "update", "2026-01-01T00:00:02.000Z", {{"i", i}}},
                            State::running);
            return true;
        });
    }
    auto job = s->get_job(j1, core::HistoryWindow::all());
    ASSERT_EQ(job->history.size(), 51u);
    EXPECT_EQ(job->event_count, 51);
    EXPECT_EQ(job->state, State::running);
    EXPECT_EQ(job->last_event, "update");
    EXPECT_EQ(job->updated, "2026-01-01T00:00:02.000Z");
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(job->history[i + 1].data.at("i"), i);
    EXPECT_EQ(db->query("SELECT max(seq) FROM history WHERE job_uuid = '" + j1 + "'"), "51");
}

TEST_P(StoreConformance, HistoryWindowsPageFromTheNewestEntry) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    for (int i = 2; i <= 10; ++i) // entry i carries {"i": i}
        append(*s, j1, {{"i", i}});
    auto page = [&](std::int64_t before, std::size_t limit, std::size_t bytes) {
        auto job = s->get_job(j1, {before, limit, bytes});
        EXPECT_TRUE(job);
        std::vector<int> numbers;
        for (const auto& e : job->history)
            numbers.push_back(e.data.contains("i") ? e.data.at("i").get<int>() : 1);
        return std::make_pair(job->history_start, numbers);
    };
    const std::size_t any = SIZE_MAX;
    const std::int64_t end = INT64_MAX;
    EXPECT_EQ(page(end, 3, any), std::make_pair(std::int64_t{8}, std::vector<int>{8, 9, 10}));
    EXPECT_EQ(page(8, 3, any), std::make_pair(std::int64_t{5}, std::vector<int>{5, 6, 7}));
    EXPECT_EQ(page(3, 3, any), std::make_pair(std::int64_t{1}, std::vector<int>{1, 2}));
    EXPECT_EQ(page(1, 3, any), std::make_pair(std::int64_t{1}, std::vector<int>{}));
    EXPECT_EQ(page(end, 100, any).second.size(), 10u);
    EXPECT_EQ(page(5000, 2, any), std::make_pair(std::int64_t{9}, std::vector<int>{9, 10}));
    // Each update's data is {"i":N}: 7 bytes, 8 for 10. The budget stops the page once the
    // entries read reach it, and the newest entry comes whatever its size.
    EXPECT_EQ(page(end, 100, 15), std::make_pair(std::int64_t{9}, std::vector<int>{9, 10}));
    EXPECT_EQ(page(end, 100, 16), std::make_pair(std::int64_t{8}, std::vector<int>{8, 9, 10}));
    EXPECT_EQ(page(end, 100, 1), std::make_pair(std::int64_t{10}, std::vector<int>{10}));
    auto none = s->get_job(j1, core::HistoryWindow::none());
    EXPECT_TRUE(none->history.empty());
    EXPECT_EQ(none->event_count, 10);
}

TEST_P(StoreConformance, RollbackOnFalseAndOnException) {
    s->write([&](core::StorageTx& tx) {
        tx.insert_job(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
        return false;
    });
    EXPECT_FALSE(s->get_job(j1, core::HistoryWindow::none()));
    EXPECT_THROW(s->write([&](core::StorageTx& tx) -> bool {
        tx.insert_job(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_FALSE(s->get_job(j1, core::HistoryWindow::none()));
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    EXPECT_TRUE(s->get_job(j1, core::HistoryWindow::none()))
        << "the connection is usable after a rollback";
}

// Callback receipts: found by (job, key) within a transaction, kept across reopening, removed
// with the job. (One per key: the table's primary key; the race of two replicas is
// tests/cli/callbacks_test.sh's.)
TEST_P(StoreConformance, CallbackReceiptsAreKeptPerJobAndKey) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    s->write([&](core::StorageTx& tx) {
        EXPECT_FALSE(tx.find_receipt(j1, "tapis:e1"));
        tx.add_receipt(j1, "tapis:e1", "108-entry-1", "2026-01-01T00:00:02.000Z");
        EXPECT_EQ(tx.find_receipt(j1, "tapis:e1"), "108-entry-1") << "seen in its transaction";
        return true;
    });
    s->write([&](core::StorageTx& tx) {
        EXPECT_EQ(tx.find_receipt(j1, "tapis:e1"), "108-entry-1");
        EXPECT_FALSE(tx.find_receipt(j2, "tapis:e1")) << "keys are per job";
        EXPECT_FALSE(tx.find_receipt(j1, "tapis:e2"));
        tx.add_receipt(j2, "tapis:e1", "108-entry-2", "2026-01-01T00:00:03.000Z");
        return true;
    });
    s->write([&](core::StorageTx& tx) {
        tx.add_receipt(j1, "tapis:e9", "108-entry-9", "2026-01-01T00:00:05.000Z");
        return false; // rolled back
    });
    s.reset();
    s = open(db->url());
    s->write([&](core::StorageTx& tx) {
        EXPECT_EQ(tx.find_receipt(j1, "tapis:e1"), "108-entry-1") << "kept across reopening";
        EXPECT_FALSE(tx.find_receipt(j1, "tapis:e9")) << "a rolled-back receipt is gone";
        tx.remove_job(j1);
        return true;
    });
    s->write([&](core::StorageTx& tx) {
        EXPECT_FALSE(tx.find_receipt(j1, "tapis:e1")) << "removed with its job";
        EXPECT_EQ(tx.find_receipt(j2, "tapis:e1"), "108-entry-2");
        return false;
    });
}

// Scheduler claims (docs/integrations.md#slurm): newest first, one per (key, job) (a second
// claim replaces the first), read within a transaction, removed with the job.
TEST_P(StoreConformance, SchedulerClaimsAreNewestFirstAndGoWithTheJob) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    s->write([&](core::StorageTx& tx) {
        EXPECT_TRUE(tx.find_claims("slurm:42", 16).empty());
        tx.add_claim("slurm:42", {j1, std::string("c1"), "2026-01-01T00:00:02.000Z"});
        tx.add_claim("slurm:42", {j2, std::nullopt, "2026-01-01T00:00:03.000Z"});
        tx.add_claim("slurm:43", {j1, std::string("c1"), "2026-01-01T00:00:04.000Z"});
        auto claims = tx.find_claims("slurm:42", 16);
        EXPECT_EQ(claims.size(), 2u) << "seen in its transaction";
        return true;
    });
    s.reset();
    s = open(db->url());
    s->write([&](core::StorageTx& tx) {
        auto claims = tx.find_claims("slurm:42", 16);
        EXPECT_EQ(claims.size(), 2u);
        if (claims.size() == 2) {
            EXPECT_EQ(claims[0].job_uuid, j2) << "newest first";
            EXPECT_FALSE(claims[0].cluster);
            EXPECT_EQ(claims[1].job_uuid, j1);
            EXPECT_EQ(claims[1].cluster, "c1");
            EXPECT_EQ(claims[1].claimed, "2026-01-01T00:00:02.000Z");
        }
        EXPECT_EQ(tx.find_claims("slurm:42", 1).size(), 1u) << "the limit";
        // j1 claims 42 again, later: its claim is replaced, and now the newest.
        tx.add_claim("slurm:42", {j1, std::string("c2"), "2026-01-01T00:00:05.000Z"});
        claims = tx.find_claims("slurm:42", 16);
        EXPECT_EQ(claims.size(), 2u);
        if (!claims.empty()) {
            EXPECT_EQ(claims[0].job_uuid, j1);
            EXPECT_EQ(claims[0].cluster, "c2");
        }
        tx.remove_job(j1);
        return true;
    });
    s->write([&](core::StorageTx& tx) {
        auto claims = tx.find_claims("slurm:42", 16);
        EXPECT_EQ(claims.size(), 1u) << "removed with its job";
        EXPECT_TRUE(tx.find_claims("slurm:43", 16).empty());
        return false;
    });
}

TEST_P(StoreConformance, UnknownPipelineViolatesForeignKey) {
    EXPECT_THROW(insert(make_job(j1, "10600000-0000-5000-8000-00000000dead", "2026")),
                 core::StorageError);
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    EXPECT_TRUE(s->get_job(j1, core::HistoryWindow::none()))
        << "the connection is usable after a failure";
}

TEST_P(StoreConformance, FindFiltersAndHidden) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p2, "2026-01-01T00:00:02.000Z"));
    EXPECT_EQ(s->find_jobs({}).size(), 2u);
    EXPECT_EQ(s->find_jobs({}).front().uuid, j2) << "most recently updated first";
    EXPECT_EQ(s->find_jobs(filter([&](auto& f) { f.pipeline_uuid = p1; })).size(), 1u);
    EXPECT_EQ(s->find_jobs(filter([&](auto& f) {
                   f.state = State::created;
                   f.pipeline_uuid = p2;
               }))
                  .front()
                  .uuid,
              j2);
    EXPECT_EQ(s->find_jobs(filter([](auto& f) { f.state = State::running; })).size(), 0u);
    EXPECT_EQ(s->find_jobs(filter([](auto& f) { f.limit = 1; })).size(), 1u);
    s->write([&](core::StorageTx& tx) {
        tx.hide_job(j1, "2026-01-01T00:00:03.000Z");
        return true;
    });
    EXPECT_EQ(s->find_jobs({}).size(), 1u);
    EXPECT_EQ(s->find_jobs(filter([](auto& f) { f.include_hidden = true; })).size(), 2u);
    auto hidden = s->get_job(j1, core::HistoryWindow::none());
    EXPECT_FALSE(hidden->visible);
    EXPECT_EQ(hidden->updated, "2026-01-01T00:00:03.000Z");
}

TEST_P(StoreConformance, CountsJobsPerStateUnderTheFilter) {
    const std::string j3 = "10700000-0000-5000-8000-000000000003";
    Job running = make_job(j2, p1, "2026-01-01T00:00:02.000Z");
    running.state = State::running;
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(running);
    insert(make_job(j3, p2, "2026-01-01T00:00:03.000Z"));
    using Counts = std::vector<std::pair<State, std::int64_t>>;
    EXPECT_EQ(s->count_jobs({}), (Counts{{State::created, 2}, {State::running, 1}}))
        << "in the lifecycle's order, states without jobs left out";
    EXPECT_EQ(s->count_jobs(filter([&](auto& f) { f.pipeline_uuid = p1; })),
              (Counts{{State::created, 1}, {State::running, 1}}));
    EXPECT_EQ(s->count_jobs(filter([](auto& f) {
        f.since = "2026-01-01T00:00:02.000Z";
        f.until = "2026-01-01T00:00:03.000Z";
    })),
              (Counts{{State::running, 1}}));
    s->write([&](core::StorageTx& tx) {
        tx.hide_job(j1, "2026-01-01T00:00:04.000Z");
        return true;
    });
    EXPECT_EQ(s->count_jobs({}), (Counts{{State::created, 1}, {State::running, 1}}));
    EXPECT_EQ(s->count_jobs(filter([](auto& f) { f.include_hidden = true; })),
              (Counts{{State::created, 2}, {State::running, 1}}));
    // The counts follow every write: an event that moves a job, a removal.
    s->write([&](core::StorageTx& tx) {
        auto job = tx.load_job_for_update(j2);
        tx.append_event(*job, {"108y", "finish", "2026-01-01T00:00:05.000Z", json::object()},
                        State::finished);
        tx.remove_job(j3);
        return true;
    });
    EXPECT_EQ(s->count_jobs({}), (Counts{{State::finished, 1}}));
    EXPECT_EQ(s->count_jobs(filter([](auto& f) { f.include_hidden = true; })),
              (Counts{{State::created, 1}, {State::finished, 1}}));
    EXPECT_EQ(s->count_jobs(filter([](auto& f) { f.since = "2026-01-01T00:00:05.000Z"; })),
              (Counts{{State::finished, 1}}))
        << "a time range counts the jobs themselves";
}

TEST_P(StoreConformance, FindByUuidPrefix) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:02.000Z"));
    auto by = [&](std::string prefix) {
        core::JobFilter f;
        f.uuid_prefix = std::move(prefix);
        f.include_hidden = true;
        return s->find_jobs(f);
    };
    // The longest prefix the two share, then one more character of each.
    std::size_t common = 0;
    while (j1[common] == j2[common])
        ++common;
    EXPECT_EQ(by(j1.substr(0, common)).size(), 2u);
    ASSERT_EQ(by(j1.substr(0, common + 1)).size(), 1u);
    EXPECT_EQ(by(j1.substr(0, common + 1)).front().uuid, j1);
    EXPECT_EQ(by(j2.substr(0, common + 1)).front().uuid, j2);
    EXPECT_EQ(by(j1).size(), 1u) << "a whole UUID is its own prefix";
    EXPECT_TRUE(by("107fffff").empty());
    EXPECT_TRUE(by(j1 + "0").empty());
}

TEST_P(StoreConformance, KeysetPagesAndTimeRange) {
    // Five jobs, two of them updated at the same time (the uuid breaks the tie).
    const std::vector<std::pair<std::string, std::string>> made = {
        {"10700000-0000-5000-8000-000000000011", "2026-01-01T00:00:01.000Z"},
        {"10700000-0000-5000-8000-000000000012", "2026-01-01T00:00:02.000Z"},
        {"10700000-0000-5000-8000-000000000013", "2026-01-01T00:00:02.000Z"},
        {"10700000-0000-5000-8000-000000000014", "2026-01-01T00:00:03.000Z"},
        {"10700000-0000-5000-8000-000000000015", "2026-01-01T00:00:04.000Z"}};
    for (const auto& [uuid, updated] : made)
        insert(make_job(uuid, p1, updated));
    std::vector<std::string> order, seen;
    for (const auto& j : s->find_jobs({}))
        order.push_back(j.uuid);
    ASSERT_EQ(order.size(), 5u);
    EXPECT_EQ(order[1], made[3].first);
    EXPECT_EQ(order[2], made[1].first) << "equal times: the smaller uuid first";
    // Every page size, so that some page ends between the two jobs of the same time.
    for (std::size_t size = 1; size <= 4; ++size) {
        seen.clear();
        core::JobFilter page;
        page.limit = size;
        for (int n = 0; n < 6; ++n) {
            auto jobs = s->find_jobs(page);
            if (jobs.empty()) break;
            for (const auto& j : jobs)
                seen.push_back(j.uuid);
            page.after_updated = jobs.back().updated;
            page.after_uuid = jobs.back().uuid;
        }
        EXPECT_EQ(seen, order) << "pages of " << size << " list every job once, in order";
    }
    auto ranged = s->find_jobs(filter([](auto& f) {
        f.since = "2026-01-01T00:00:02.000Z";
        f.until = "2026-01-01T00:00:04.000Z";
    }));
    EXPECT_EQ(ranged.size(), 3u) << "since is inclusive, until is not";
}

TEST_P(StoreConformance, EqualTimesOrderByUuid) {
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    auto jobs = s->find_jobs({});
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0].uuid, j1);
}

TEST_P(StoreConformance, RemoveDeletesHistoryToo) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    s->write([&](core::StorageTx& tx) {
        tx.remove_job(j1);
        return true;
    });
    EXPECT_FALSE(s->get_job(j1, core::HistoryWindow::all()));
    EXPECT_EQ(db->query("SELECT count(*) FROM history"), "1");
    EXPECT_EQ(db->query("SELECT count(*) FROM history WHERE job_uuid = '" + j1 + "'"), "0");
}

TEST_P(StoreConformance, TwoConnectionsSeeEachOthersCommits) {
    auto other = open(db->url());
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    EXPECT_TRUE(other->get_job(j1, core::HistoryWindow::none()));
    other->write([&](core::StorageTx& tx) {
        auto job = tx.load_job_for_update(j1);
        tx.append_event(*job, {"108y", "run", "2026-01-01T00:00:05.000Z", {}}, State::running);
        return true;
    });
    EXPECT_EQ(s->get_job(j1, core::HistoryWindow::all())->history.size(), 2u);
}

TEST_P(StoreConformance, ExecutionsRoundTrip) {
    store::Execution e{"exec-1",
                       "actor",
                       "COMPLETE",
                       6,
                       "2026-01-01T00:00:00.000Z",
                       "2026-01-01T00:00:00.004Z",
                       "PipelineJobEvent",
                       j1,
                       "refused: conflict\nsecond line",
                       "b0d7:c4e1",
                       "bearer-2",
                       "W0rker"};
    s->add_execution(e);
    auto got = s->get_execution("exec-1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->actor_id, "actor");
    EXPECT_EQ(got->status, "COMPLETE");
    EXPECT_EQ(got->exit_code, 6);
    EXPECT_EQ(got->start_time, e.start_time);
    EXPECT_EQ(got->end_time, e.end_time);
    EXPECT_EQ(got->message_kind, "PipelineJobEvent");
    EXPECT_EQ(got->log, e.log);
    EXPECT_EQ(got->job_uuid, j1);
    EXPECT_EQ(got->request_digest, "b0d7:c4e1");
    EXPECT_EQ(got->executor, "bearer-2");
    EXPECT_EQ(got->worker_id, "W0rker");
    EXPECT_FALSE(s->get_execution("exec-2"));
}

TEST_P(StoreConformance, ExecutionsListNewestFirstWithTotals) {
    auto add = [&](const std::string& id, const std::string& actor, const std::string& worker,
                   int second, std::int64_t runtime) {
        store::Execution e;
        e.id = id;
        e.actor_id = actor;
        e.start_time = "2026-01-01T00:00:0" + std::to_string(second) + ".000Z";
        e.end_time = e.start_time;
        e.worker_id = worker;
        e.runtime = runtime;
        s->add_execution(e);
    };
    add("e1", "a", "w1", 1, 0);
    add("e2", "a", "w2", 2, 5);
    add("e3", "b", "w1", 3, 1);
    add("e4", "a", "w1", 4, 2);
    auto page = s->list_executions("a", 100, 0);
    std::vector<std::string> ids;
    for (const auto& e : page.executions)
        ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"e4", "e2", "e1"}));
    EXPECT_EQ(page.total, 3) << "counted by the trigger, per actor";
    EXPECT_EQ(page.total_runtime, 7);
    page = s->list_executions("a", 1, 1);
    ASSERT_EQ(page.executions.size(), 1u);
    EXPECT_EQ(page.executions[0].id, "e2");
    EXPECT_EQ(page.total, 3) << "the totals count every execution, not the page";
    EXPECT_EQ(s->list_executions("a", 10, 3).executions.size(), 0u);
    EXPECT_EQ(s->list_executions("nobody", 10, 0).total, 0);
    EXPECT_EQ(s->get_execution("e2")->runtime, 5);
}

TEST_P(StoreConformance, AJobsExecutionsNewestFirst) {
    auto add = [&](const std::string& id, const std::string& actor, const std::string& job,
                   int second) {
        store::Execution e;
        e.id = id;
        e.actor_id = actor;
        e.job_uuid = job;
        e.start_time = "2026-01-01T00:00:0" + std::to_string(second) + ".000Z";
        e.end_time = e.start_time;
        s->add_execution(e);
    };
    add("e1", "a", j1, 1);
    add("e2", "a", j2, 2);
    add("e3", "a", j1, 3);
    add("e4", "b", j1, 4);
    add("e5", "a", "", 5);
    auto ids = [](const std::vector<store::Execution>& es) {
        std::vector<std::string> out;
        for (const auto& e : es)
            out.push_back(e.id);
        return out;
    };
    EXPECT_EQ(ids(s->list_job_executions("a", j1, 10)), (std::vector<std::string>{"e3", "e1"}));
    EXPECT_EQ(ids(s->list_job_executions("a", j1, 1)), (std::vector<std::string>{"e3"}));
    EXPECT_EQ(ids(s->list_job_executions("b", j1, 10)), (std::vector<std::string>{"e4"}));
    EXPECT_TRUE(s->list_job_executions("a", "10700000-0000-5000-8000-00000000beef", 10).empty());
}

// Writers on their own connections, all at once: every append lands, numbered 1..N.
TEST_P(StoreConformance, ConcurrentAppendsAreAllKept) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    constexpr int k_threads = 4, k_each = 40;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < k_threads; ++t)
        threads.emplace_back([&, t] {
            try {
                auto mine = open(db->url());
                for (int i = 0; i < k_each; ++i)
                    append(*mine, j1, {{"t", t}, {"i", i}});
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures, 0);
    auto job = s->get_job(j1, core::HistoryWindow::all());
    ASSERT_EQ(job->history.size(), 1u + k_threads * k_each);
    EXPECT_EQ(job->event_count, 1 + k_threads * k_each);
    EXPECT_EQ(db->query("SELECT count(DISTINCT seq) FROM history WHERE job_uuid = '" + j1 + "'"),
              std::to_string(1 + k_threads * k_each));
    EXPECT_EQ(db->query("SELECT max(seq) FROM history WHERE job_uuid = '" + j1 + "'"),
              std::to_string(1 + k_threads * k_each));
    std::vector<int> next(k_threads, 0); // each writer's events appear in its own order
    for (std::size_t i = 1; i < job->history.size(); ++i) {
        int t = job->history[i].data.at("t"), n = job->history[i].data.at("i");
        EXPECT_EQ(n, next[t]++);
    }
}

// The same job created at once from several connections: exactly one insert wins, and the
// others see the winner's row (PostgreSQL: a unique violation retried as a lost race).
TEST_P(StoreConformance, ConcurrentCreatesOfOneJobInsertOnce) {
    constexpr int k_threads = 6;
    std::atomic<int> existed{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t)
        threads.emplace_back([&] {
            try {
                auto mine = open(db->url());
                mine->write([&](core::StorageTx& tx) {
                    if (tx.load_job_for_update(j1)) {
                        ++existed;
                        return false;
                    }
                    tx.insert_job(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
                    return true;
                });
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(existed, k_threads - 1) << "all but one found the job made by another";
    EXPECT_EQ(db->query("SELECT count(*) FROM jobs"), "1");
    EXPECT_EQ(db->query("SELECT count(*) FROM history"), "1");
}

// Two transactions that lock two jobs in opposite orders: PostgreSQL breaks the deadlock by
// failing one, which write() runs again; SQLite never lets them overlap. Both always commit.
TEST_P(StoreConformance, DeadlockedTransactionIsRunAgain) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    std::atomic<int> runs{0}, failures{0};
    auto cross = [&](const std::string& first, const std::string& second) {
        try {
            auto mine = open(db->url());
            mine->write([&](core::StorageTx& tx) {
                ++runs;
                auto a = tx.load_job_for_update(first);
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                auto b = tx.load_job_for_update(second);
                tx.append_event(*a, {"108a", "update", "2026-01-01T00:00:02.000Z", {}}, a->state);
                tx.append_event(*b, {"108b", "update", "2026-01-01T00:00:02.000Z", {}}, b->state);
                return true;
            });
        } catch (const std::exception& e) {
            ++failures;
            ADD_FAILURE() << e.what();
        }
    };
    std::thread t1(cross, j1, j2), t2(cross, j2, j1);
    t1.join();
    t2.join();
    EXPECT_EQ(failures, 0);
    EXPECT_GE(runs, 2);
    if (db->postgres()) {
        // The victim runs again; under load it may meet the other once more before both pass.
        EXPECT_GE(runs, 3) << "the deadlock's victim ran again";
    }
    EXPECT_EQ(s->get_job(j1, core::HistoryWindow::all())->history.size(), 3u);
    EXPECT_EQ(s->get_job(j2, core::HistoryWindow::all())->history.size(), 3u);
}

// Group commit (pjm serve): each write() of a batch stands or falls on its own, the batch's
// executions join it, and all of it is committed at once, or nothing when it throws.
TEST_P(StoreConformance, BatchKeepsWhatEachMessageDecided) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    store::Execution e{"exec-1",           "actor", "COMPLETE", 0,  "t0", "t1",
                       "PipelineJobEvent", j1,      "",         "", "",   ""};
    s->write_batch([&] {
        append(*s, j1, {{"i", 1}});
        s->write([&](core::StorageTx& tx) {
            tx.insert_job(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
            return false; // refused: undone
        });
        EXPECT_THROW(s->write([&](core::StorageTx& tx) -> bool {
            tx.hide_job(j1, "2026-01-01T00:00:09.000Z");
            throw std::runtime_error("boom"); // failed: undone, the batch goes on
        }),
                     std::runtime_error);
        append(*s, j1, {{"i", 2}});
        s->add_execution(e);
    });
    auto job = s->get_job(j1, core::HistoryWindow::all());
    ASSERT_EQ(job->history.size(), 3u);
    EXPECT_EQ(job->history[2].data.at("i"), 2);
    EXPECT_TRUE(job->visible);
    EXPECT_FALSE(s->get_job(j2, core::HistoryWindow::none()));
    EXPECT_TRUE(s->get_execution("exec-1"));

    EXPECT_THROW(s->write_batch([&] {
        append(*s, j1, {{"i", 3}});
        throw std::runtime_error("the batch fails");
    }),
                 std::runtime_error);
    EXPECT_EQ(s->get_job(j1, core::HistoryWindow::all())->history.size(), 3u)
        << "nothing of a failed batch is saved";
    append(*s, j1, {{"i", 4}});
    EXPECT_EQ(s->get_job(j1, core::HistoryWindow::all())->history.size(), 4u)
        << "the connection works afterwards";
}

// Two servers' batches that lock two jobs in opposite orders: on PostgreSQL the deadlock's
// victim batch is rolled back whole and run again; both batches end up committed.
TEST_P(StoreConformance, DeadlockedBatchIsRunAgainWhole) {
    insert(make_job(j1, p1, "2026-01-01T00:00:01.000Z"));
    insert(make_job(j2, p1, "2026-01-01T00:00:01.000Z"));
    std::atomic<int> runs{0}, failures{0};
    auto batch = [&](const std::string& first, const std::string& second) {
        try {
            auto mine = open(db->url());
            mine->write_batch([&] {
                ++runs;
                append(*mine, first, {{"first", first}});
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                append(*mine, second, {{"first", first}});
            });
        } catch (const std::exception& e) {
            ++failures;
            ADD_FAILURE() << e.what();
        }
    };
    std::thread t1(batch, j1, j2), t2(batch, j2, j1);
    t1.join();
    t2.join();
    EXPECT_EQ(failures, 0);
    EXPECT_GE(runs, 2);
    EXPECT_EQ(s->get_job(j1, core::HistoryWindow::all())->history.size(), 3u);
    EXPECT_EQ(s->get_job(j2, core::HistoryWindow::all())->history.size(), 3u);
}

// Two replicas handle the same Idempotency-Key at once: each batch looks for the key's
// execution, finds none, records it; the one that loses the race on the execution's id runs
// again whole, finds the winner's, and records nothing. Neither batch fails.
TEST_P(StoreConformance, SameExecutionFromTwoBatchesAtOnceIsRecordedOnce) {
    std::atomic<int> runs{0}, failures{0}, recorded{0};
    auto batch = [&](const std::string& log) {
        try {
            auto mine = open(db->url());
            mine->write_batch([&] {
                ++runs;
                if (mine->get_execution("same-key-exec")) return;
                store::Execution e{"same-key-exec",    "actor", "COMPLETE", 0,  "t0", "t1",
                                   "PipelineJobEvent", "",      log,        "", "",   ""};
                mine->add_execution(e);
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                ++recorded;
            });
        } catch (const std::exception& e) {
            ++failures;
            ADD_FAILURE() << e.what();
        }
    };
    std::thread t1(batch, "first"), t2(batch, "second");
    t1.join();
    t2.join();
    EXPECT_EQ(failures, 0);
    auto got = s->get_execution("same-key-exec");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->log == "first" || got->log == "second") << got->log;
    EXPECT_EQ(recorded, 1); // the loser's insert never went through
    EXPECT_GE(runs, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(test::storage_backends()),
                         test::backend_name);

} // namespace
} // namespace pjm::store
