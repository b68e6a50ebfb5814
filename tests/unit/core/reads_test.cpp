// core/reads over a real SQLite database: the checks and texts every door shares for reading a
// job, parsing list filters and registering a pipeline.
#include "core/reads.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

class ReadsTest : public ::testing::Test {
  protected:
    void SetUp() override { storage = store::open(dir.file("pjm.db")); }
    test::TempDir dir;
    FixedClock clock{1'790'000'000'000};
    UuidFactory uuids{std::string(k_default_uuid_domain)};
    std::unique_ptr<Storage> storage;
};

TEST_F(ReadsTest, ReadJobChecksTheUuidThenFindsTheJob) {
    auto bad = read_job(*storage, "not-a-uuid", HistoryWindow::none());
    EXPECT_EQ(bad.kind, ErrorKind::invalid);
    EXPECT_EQ(bad.message, "'not-a-uuid' is not a job UUID (107xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    auto missing = read_job(*storage, "1073f4ff-c2b9-5190-bd9a-e6a406d9796a", HistoryWindow::all());
    EXPECT_EQ(missing.kind, ErrorKind::not_found);
    EXPECT_NE(missing.message.find("not found (never created here, or force-deleted)"),
              std::string::npos);
}

TEST_F(ReadsTest, QuotedValuesCannotCarryControlBytes) {
    EXPECT_EQ(quoted_value("a\x1b[2J\n"), "'a\\x1b[2J\\x0a'");
    std::string long_value(100, 'x');
    EXPECT_EQ(quoted_value(long_value), "'" + std::string(64, 'x') + "…'");
}

TEST_F(ReadsTest, JobQueries) {
    auto ok = parse_job_query({"running", "", "10", true, "", "", ""});
    ASSERT_TRUE(ok.ok()) << ok.message;
    EXPECT_EQ(ok.value.state, State::running);
    EXPECT_EQ(ok.value.limit, 10u);
    EXPECT_TRUE(ok.value.include_hidden);
    auto none = parse_job_query({});
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none.value.state);
    EXPECT_EQ(none.value.limit, k_list_page) << "a list is a page by default";

    auto state = parse_job_query({"RUNING", "", "", false, "", "", ""});
    EXPECT_EQ(state.kind, ErrorKind::invalid);
    EXPECT_NE(state.message.find("unknown state 'RUNING'; states: CREATED RUNNING"),
              std::string::npos)
        << state.message;
    EXPECT_EQ(parse_job_query({"", "107-not-a-pipeline", "", false, "", "", ""}).kind,
              ErrorKind::invalid);
    for (const char* limit : {"0", "-1", "1.5", "x", "99999999999999999999999", "10001"})
        EXPECT_EQ(parse_job_query({"", "", limit, false, "", "", ""}).kind, ErrorKind::invalid)
            << limit;
    // Cursors and times.
    auto paged = parse_job_query({"", "", "", false,
                                  "2026-12-01T10:00:00Z,1073f4ff-c2b9-5190-bd9a-e6a406d9796a",
                                  "2026-11-30T00:00:00Z", "2026-12-02T00:00:00.500Z"});
    ASSERT_TRUE(paged.ok()) << paged.message;
    EXPECT_EQ(paged.value.after_updated, "2026-12-01T10:00:00.000Z");
    EXPECT_EQ(paged.value.after_uuid, "1073f4ff-c2b9-5190-bd9a-e6a406d9796a");
    EXPECT_EQ(paged.value.since, "2026-11-30T00:00:00.000Z");
    for (const char* cursor : {"x", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z,107x",
                               ",1073f4ff-c2b9-5190-bd9a-e6a406d9796a"})
        EXPECT_EQ(parse_job_query({"", "", "", false, cursor, "", ""}).kind, ErrorKind::invalid)
            << cursor;
    EXPECT_EQ(parse_job_query({"", "", "", false, "", "yesterday", ""}).kind, ErrorKind::invalid);
}

TEST_F(ReadsTest, HistoryQueries) {
    auto defaults = parse_history_query({});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults.value.limit, k_history_page);
    EXPECT_EQ(defaults.value.max_bytes, k_history_page_bytes) << "every page has a byte budget";
    EXPECT_EQ(defaults.value.before, std::numeric_limits<std::int64_t>::max());
    auto asked = parse_history_query({"1000", "901"});
    ASSERT_TRUE(asked.ok()) << asked.message;
    EXPECT_EQ(asked.value.limit, 1000u);
    EXPECT_EQ(asked.value.before, 901);
    EXPECT_EQ(parse_history_query({"0", ""}).value.limit, 0u) << "0: the job without history";
    for (const char* n : {"1001", "-1", "1.5", "x", " 5", "99999999999999999999"}) {
        auto r = parse_history_query({n, ""});
        EXPECT_EQ(r.kind, ErrorKind::invalid) << n;
        EXPECT_NE(r.message.find("history must be a whole number of entries from 0 to 1000"),
                  std::string::npos)
            << r.message;
    }
    for (const char* n : {"0", "-3", "1e3", "abc"})
        EXPECT_EQ(parse_history_query({"", n}).kind, ErrorKind::invalid) << n;
}

TEST_F(ReadsTest, RegisterPipeline) {
    auto p = register_pipeline(*storage, uuids, "rnaseq", "", "RNA", clock);
    ASSERT_TRUE(p.ok()) << p.message;
    EXPECT_EQ(p.value.uuid, uuids.pipeline_uuid("rnaseq"));
    EXPECT_EQ(p.value.created, "2026-09-21T14:13:20.000Z");
    EXPECT_TRUE(storage->get_pipeline(p.value.uuid));
    // The same registration again answers with the registered pipeline, created time kept.
    clock.advance_ms(5000);
    auto same = register_pipeline(*storage, uuids, "rnaseq", "", "RNA", clock);
    ASSERT_TRUE(same.ok()) << same.message;
    EXPECT_EQ(same.value.uuid, p.value.uuid);
    EXPECT_EQ(same.value.created, "2026-09-21T14:13:20.000Z");
    auto again = register_pipeline(*storage, uuids, "rnaseq", "", "", clock);
    EXPECT_EQ(again.kind, ErrorKind::conflict);
    EXPECT_NE(again.message.find("already registered with the description 'RNA'"),
              std::string::npos)
        << again.message;
    auto renamed = register_pipeline(*storage, uuids, "other", p.value.uuid, "RNA", clock);
    EXPECT_EQ(renamed.kind, ErrorKind::conflict);
    EXPECT_NE(renamed.message.find("under the name 'rnaseq'"), std::string::npos)
        << renamed.message;
    EXPECT_EQ(
        register_pipeline(*storage, uuids, "x", "1073f4ff-c2b9-5190-bd9a-e6a406d9796a", "", clock)
            .kind,
        ErrorKind::invalid);
    EXPECT_EQ(register_pipeline(*storage, uuids, "", "", "", clock).kind, ErrorKind::invalid);
    EXPECT_EQ(storage->list_pipelines().size(), 1u) << "refusals add nothing";
}

} // namespace
} // namespace pjm::core
