// Human tables: alignment that ignores colour sequences, columns left out and the last one cut
// on a narrow terminal, and `status`'s job block with its history as the lifecycle replays it.
#include "cli/output.hpp"
#include "core/clock.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

constexpr std::int64_t k_now = 1795842801123; // 2026-11-28T05:13:21.123Z

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

Table sample() {
    Table t;
    t.header = {"UUID", "STATE", "WHEN"};
    t.rows = {{"a", Cell("RUNNING", Color::yellow), "3 minutes ago"},
              {"bbbb", Cell("FAILED", Color::red), "just now"}};
    return t;
}

TEST(RenderTable, PadsColumnsToTheWidestCellWithoutTrailingBlanks) {
    EXPECT_EQ(render_table(sample(), Style(false), std::nullopt), "UUID  STATE    WHEN\n"
                                                                  "a     RUNNING  3 minutes ago\n"
                                                                  "bbbb  FAILED   just now\n");
}

TEST(RenderTable, ColourDoesNotMoveTheColumns) {
    auto plain = lines(render_table(sample(), Style(false), std::nullopt));
    auto coloured = lines(render_table(sample(), Style(true), std::nullopt));
    ASSERT_EQ(coloured.size(), 3u);
    EXPECT_EQ(coloured[1], "a     \033[33mRUNNING\033[0m  3 minutes ago");
    EXPECT_EQ(coloured[2], "bbbb  \033[31mFAILED\033[0m   just now");
    EXPECT_EQ(coloured[0], plain[0]) << "headers are not coloured";
}

TEST(RenderTable, SpansOfACellKeepTheirOwnColours) {
    Table t;
    t.rows = {
        {"1",
         Cell(std::vector<Cell::Span>{{"CREATED -> ", Color::none}, {"RUNNING", Color::yellow}}),
         "x"},
        {"2", "short", "y"}};
    auto out = lines(render_table(t, Style(true), std::nullopt));
    EXPECT_EQ(out[0], "1  CREATED -> \033[33mRUNNING\033[0m  x");
    EXPECT_EQ(out[1], "2  short               y");
}

TEST(RenderTable, DropsOptionalColumnsInOrderUntilItFits) {
    Table t;
    t.header = {"ID", "AGE", "DATE", "NOTE"};
    t.rows = {{"1", "2 days ago", "2026-11-26T05:13:21.123Z", "n"}};
    t.optional = {2, 3};
    EXPECT_EQ(lines(render_table(t, Style(false), std::nullopt))[1],
              "1   2 days ago  2026-11-26T05:13:21.123Z  n")
        << "no limit: every column";
    EXPECT_EQ(lines(render_table(t, Style(false), 46))[1],
              "1   2 days ago  2026-11-26T05:13:21.123Z  n")
        << "it fits in 46";
    EXPECT_EQ(lines(render_table(t, Style(false), 45))[1], "1   2 days ago  n");
    EXPECT_EQ(lines(render_table(t, Style(false), 10)), (std::vector<std::string>{
                                                            "ID  AGE",
                                                            "1   2 days ago",
                                                        }));
}

TEST(RenderTable, CutsTheLastColumnToTheWidthButNotBelowSixteen) {
    Table t;
    t.indent = "  ";
    t.rows = {{"1", std::string(50, 'x')}, {"2", "short"}};
    t.clip_last = true;
    auto out = lines(render_table(t, Style(false), 30));
    EXPECT_EQ(out[0], "  1  " + std::string(22, 'x') + "...");
    EXPECT_EQ(out[0].size(), 30u);
    EXPECT_EQ(out[1], "  2  short");
    out = lines(render_table(t, Style(false), 10));
    EXPECT_EQ(out[0], "  1  " + std::string(13, 'x') + "...");
}

TEST(RenderTable, ShowsControlCharactersEscaped) {
    Table t;
    t.rows = {{"a\033[2Jb", "c\nd"}};
    EXPECT_EQ(render_table(t, Style(false), std::nullopt), "a\\x1b[2Jb  c\\x0ad\n");
}

TEST(JsonSummary, OneLineCutAndEmptyForNoData) {
    EXPECT_EQ(json_summary(nlohmann::json::object(), 20), "");
    EXPECT_EQ(json_summary({{"exit_code", 0}}, 20), "{\"exit_code\":0}");
    EXPECT_EQ(json_summary({{"host", std::string(40, 'h')}}, 20), "{\"host\":\"hhhhhhhh...");
}

core::Job sample_job() {
    core::Job job;
    job.uuid = "1073f4ff-c2b9-5190-bd9a-e6a406d9796a";
    job.pipeline_uuid = "1061f4ff-c2b9-5190-bd9a-e6a406d9796a";
    job.archive_path = "/archive/run1";
    job.state = core::State::finished;
    job.last_event = "finish";
    job.created = "2026-11-26T05:13:21.123Z";
    job.updated = "2026-11-28T05:10:21.123Z";
    job.data = {{"n", 1}};
    job.history = {
        {"", "create", "2026-11-26T05:13:21.123Z", {{"n", 1}}},
        {"", "run", "2026-11-28T04:13:21.123Z", nlohmann::json::object()},
        {"", "update", "2026-11-28T05:00:21.123Z", {{"progress", 0.5}}},
        {"", "finish", "2026-11-28T05:10:21.123Z", {{"exit_code", 0}}},
    };
    return job;
}

TEST(RenderJob, FieldsWithRelativeAndAbsoluteTimesThenTheHistory) {
    core::FixedClock clock(k_now);
    std::string out = render_job(sample_job(), clock, Style(false), std::nullopt);
    EXPECT_EQ(out, "job:         1073f4ff-c2b9-5190-bd9a-e6a406d9796a\n"
                   "pipeline:    1061f4ff-c2b9-5190-bd9a-e6a406d9796a\n"
                   "state:       FINISHED (processing done, outputs archived)\n"
                   "last event:  finish\n"
                   "updated:     3 minutes ago (2026-11-28T05:10:21.123Z)\n"
                   "created:     2 days ago (2026-11-26T05:13:21.123Z)\n"
                   "archive:     /archive/run1\n"
                   "data:        {\"n\":1}\n"
                   "\n"
                   "history (4 events):\n"
                   "  SEQ  WHEN            DATE                      EVENT   STATE                "
                   "DATA\n"
                   "  1    2 days ago      2026-11-26T05:13:21.123Z  create  CREATED              "
                   "{\"n\":1}\n"
                   "  2    1 hour ago      2026-11-28T04:13:21.123Z  run     CREATED -> RUNNING\n"
                   "  3    13 minutes ago  2026-11-28T05:00:21.123Z  update  RUNNING              "
                   "{\"progress\":0.5}\n"
                   "  4    3 minutes ago   2026-11-28T05:10:21.123Z  finish  RUNNING -> FINISHED  "
                   "{\"exit_code\":0}\n");
}

TEST(RenderJob, ANarrowTerminalLosesTheAbsoluteDateFirst) {
    core::FixedClock clock(k_now);
    auto out = lines(render_job(sample_job(), clock, Style(false), 80));
    EXPECT_EQ(out[10], "  SEQ  WHEN            EVENT   STATE                DATA");
    EXPECT_EQ(out[14], "  4    3 minutes ago   finish  RUNNING -> FINISHED  {\"exit_code\":0}");
    EXPECT_EQ(out[4], "updated:     3 minutes ago (2026-11-28T05:10:21.123Z)")
        << "the fields keep both";
}

TEST(RenderJob, StatesAreColouredByKindAndDeletedJobsMarked) {
    core::FixedClock clock(k_now);
    core::Job job = sample_job();
    job.history.push_back({"", "reset", "2026-11-28T05:11:21.123Z", nlohmann::json::object()});
    job.history.push_back({"", "ready", "2026-11-28T05:12:21.123Z", nlohmann::json::object()});
    job.state = core::State::created;
    job.visible = false;
    auto out = lines(render_job(job, clock, Style(true), std::nullopt));
    EXPECT_EQ(out[2], "state:       \033[36mCREATED\033[0m (inputs and configuration defined)"
                      "\033[31m [deleted]\033[0m");
    EXPECT_NE(out[14].find("RUNNING -> \033[32mFINISHED\033[0m"), std::string::npos) << out[14];
    EXPECT_NE(out[15].find("FINISHED -> \033[35mRESET\033[0m"), std::string::npos) << out[15];
    EXPECT_NE(out[16].find("RESET -> \033[36mCREATED\033[0m"), std::string::npos) << out[16];
}

TEST(RenderJob, APageOfHistoryNumbersItsEntriesAndSaysHowToReadOlderOnes) {
    core::FixedClock clock(k_now);
    core::Job job = sample_job();
    job.event_count = 904;
    job.history_start = 901; // entries 901 to 904 of a long history, then the newest
    auto none = nlohmann::json::object();
    job.history = {{"", "update", job.updated, none},
                   {"", "fail", job.updated, none}, // FAILED whatever the state before
                   {"", "update", job.updated, none},
                   {"", "reset", job.updated, none}};
    auto out = lines(render_job(job, clock, Style(false), 60));
    EXPECT_EQ(out[9], "history (events 901 to 904 of 904):");
    EXPECT_EQ(out[11], "  901  3 minutes ago  update  ?");
    EXPECT_EQ(out[12], "  902  3 minutes ago  fail    FAILED");
    EXPECT_EQ(out[13], "  903  3 minutes ago  update  FAILED");
    EXPECT_EQ(out[14], "  904  3 minutes ago  reset   FAILED -> RESET");
    EXPECT_EQ(out[15], "  (900 events before these: pjm status " + job.uuid + " --before 901)");
}

TEST(RenderJob, AHistoryThatLeavesTheLifecycleShowsQuestionMarks) {
    core::FixedClock clock(k_now);
    core::Job job = sample_job();
    auto none = nlohmann::json::object();
    job.history = {{"", "create", job.created, none},
                   {"", "finalize", job.updated, none}, // not allowed from CREATED
                   {"", "run", job.updated, none}};
    auto out = lines(render_job(job, clock, Style(false), 40));
    EXPECT_EQ(out[11], "  1    2 days ago     create    CREATED");
    EXPECT_EQ(out[12], "  2    3 minutes ago  finalize  ?");
    EXPECT_EQ(out[13], "  3    3 minutes ago  run       ?");
}

} // namespace
} // namespace pjm::cli
