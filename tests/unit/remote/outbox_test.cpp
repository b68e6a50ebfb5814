// The outbox folder: durable, owner-only files, oldest first, safe with many writers.
#include "remote/outbox.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace pjm::remote {
namespace {

namespace fs = std::filesystem;

OutboxEntry entry(const std::string& job, const std::string& name) {
    OutboxEntry e;
    e.url = "http://127.0.0.1:1/actors/v2/A/messages";
    e.body = R"({"uuid":")" + job + R"(","name":")" + name + R"(","token":"0123456789abcdef"})";
    e.key = "k-" + name;
    e.job_uuid = job;
    e.summary = name + " " + job;
    return e;
}

TEST(Outbox, EnqueueListUpdateRemove) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    EXPECT_TRUE(box.list().empty()) << "a missing folder is an empty outbox";
    OutboxEntry a = entry("J1", "run"), b = entry("J1", "finish");
    box.enqueue(a);
    box.enqueue(b);
    auto all = box.list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, a.id);
    EXPECT_EQ(all[1].key, "k-finish");
    EXPECT_EQ(all[0].body, a.body);
    a.attempts = 3;
    a.failed = true;
    a.last_error = "refused";
    box.update(a);
    EXPECT_EQ(box.list()[0].attempts, 3);
    EXPECT_TRUE(box.list()[0].failed);
    EXPECT_TRUE(box.remove(a.id));
    EXPECT_FALSE(box.remove(a.id));
    EXPECT_FALSE(box.remove("../etc/passwd"));
    EXPECT_EQ(box.list().size(), 1u);
}

// A batch queues many lines within one millisecond: their order must survive (ids used to be
// milliseconds and a random suffix, so two lines of one millisecond could swap).
TEST(Outbox, MessagesQueuedInOneMillisecondKeepTheirOrder) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    std::vector<std::string> names;
    for (int i = 0; i < 200; ++i) {
        OutboxEntry e = entry("J1", "update" + std::to_string(i));
        box.enqueue(e);
        names.push_back(e.summary);
    }
    auto all = box.list();
    ASSERT_EQ(all.size(), names.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        ASSERT_EQ(all[i].summary, names[i]) << "position " << i;
}

TEST(Outbox, FilesAreOwnerOnlyAndNoTempFilesRemain) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    OutboxEntry e = entry("J", "run");
    box.enqueue(e);
    auto perms = fs::status(box.dir()).permissions() & fs::perms::all;
    EXPECT_EQ(perms, fs::perms::owner_all);
    int files = 0;
    for (const auto& f : fs::directory_iterator(box.dir())) {
        ++files;
        EXPECT_EQ(f.path().extension(), ".json") << f.path();
        EXPECT_EQ(fs::status(f).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write);
    }
    EXPECT_EQ(files, 1);
}

TEST(Outbox, ManyWritersLoseNothing) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t)
        writers.emplace_back([&box, t] {
            for (int i = 0; i < 25; ++i) {
                OutboxEntry e = entry("J" + std::to_string(t), "update");
                e.key = std::to_string(t) + "-" + std::to_string(i);
                box.enqueue(e);
            }
        });
    for (auto& w : writers)
        w.join();
    auto all = box.list();
    ASSERT_EQ(all.size(), 200u);
    std::set<std::string> keys;
    for (const auto& e : all)
        keys.insert(e.key);
    EXPECT_EQ(keys.size(), 200u);
}

TEST(Outbox, StaleTemporaryFilesOfDeadWritersAreRemoved) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    OutboxEntry e = entry("J", "run");
    box.enqueue(e);
    auto write = [&](const std::string& name) {
        std::FILE* f = std::fopen((box.dir() + "/" + name).c_str(), "w");
        std::fputs("{\"half\": ", f);
        std::fclose(f);
    };
    write(".1764300000000-dead0001.tmp"); // a writer killed an hour ago
    write(".1764300000000-live0002.tmp"); // one writing right now
    write(".flush.lock.tmp.keep");        // not a temporary file of ours
    fs::last_write_time(box.dir() + "/.1764300000000-dead0001.tmp",
                        fs::file_time_type::clock::now() - std::chrono::hours(2));
    EXPECT_EQ(box.remove_stale_temporaries(std::chrono::hours(1)), 1);
    EXPECT_FALSE(fs::exists(box.dir() + "/.1764300000000-dead0001.tmp"));
    EXPECT_TRUE(fs::exists(box.dir() + "/.1764300000000-live0002.tmp"));
    EXPECT_TRUE(fs::exists(box.dir() + "/.flush.lock.tmp.keep"));
    EXPECT_EQ(box.list().size(), 1u) << "queued messages are untouched";
    Outbox missing(dir.file("nowhere"));
    EXPECT_EQ(missing.remove_stale_temporaries(std::chrono::hours(1)), 0);
}

TEST(Outbox, UnreadableFilesAreReportedNotFatal) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    OutboxEntry e = entry("J", "run");
    box.enqueue(e);
    std::FILE* f = std::fopen((box.dir() + "/junk.json").c_str(), "w");
    std::fputs("{not json", f);
    std::fclose(f);
    std::vector<std::string> problems;
    EXPECT_EQ(box.list(&problems).size(), 1u);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("junk.json"), std::string::npos);
}

// A job's queue is found from the folder's names: files named for another job are not read
// (a damaged one is not even noticed), files naming no job are (creates, and files queued
// before names held the job), and an update or a removal finds an entry under either name.
TEST(Outbox, AJobsQueueIsFoundByName) {
    test::TempDir dir;
    Outbox box(dir.file("outbox"));
    const std::string j1 = "107aaaaa-0000-5000-8000-000000000001";
    const std::string j2 = "107aaaaa-0000-5000-8000-000000000002";
    OutboxEntry run = entry(j1, "run"), other = entry(j2, "run"), create = entry("", "create");
    box.enqueue(run);
    box.enqueue(other);
    box.enqueue(create);
    EXPECT_TRUE(fs::exists(box.dir() + "/" + run.id + "_" + j1 + ".json"));
    EXPECT_TRUE(fs::exists(box.dir() + "/" + create.id + ".json"));
    // Another job's file, damaged: the whole listing reports it, j1's does not read it.
    std::FILE* f = std::fopen((box.dir() + "/" + other.id + "_" + j2 + ".json").c_str(), "w");
    std::fputs("{damaged", f);
    std::fclose(f);
    std::vector<std::string> problems;
    auto mine = box.list(&problems, j1);
    EXPECT_TRUE(problems.empty()) << problems.front();
    ASSERT_EQ(mine.size(), 2u) << "j1's message and the create, which names no job";
    EXPECT_EQ(mine[0].id, run.id);
    box.list(&problems);
    EXPECT_EQ(problems.size(), 1u);
    // A file of an older pjm (ID.json) for j1: listed for j1, renamed by its first update.
    OutboxEntry legacy = entry(j1, "finish");
    box.enqueue(legacy);
    fs::rename(box.dir() + "/" + legacy.id + "_" + j1 + ".json",
               box.dir() + "/" + legacy.id + ".json");
    ASSERT_EQ(box.list(nullptr, j1).size(), 3u);
    legacy.attempts = 1;
    box.update(legacy);
    EXPECT_FALSE(fs::exists(box.dir() + "/" + legacy.id + ".json"));
    EXPECT_TRUE(fs::exists(box.dir() + "/" + legacy.id + "_" + j1 + ".json"));
    EXPECT_EQ(box.list(nullptr, j1).size(), 3u) << "renamed, not copied";
    // Removal by id (outbox drop) and by entry (flush) find either name.
    EXPECT_TRUE(box.remove(run.id));
    EXPECT_TRUE(box.remove(legacy));
    EXPECT_FALSE(box.remove(legacy));
    EXPECT_TRUE(box.remove(create));
    ASSERT_EQ(box.list(nullptr, j1).size(), 0u);
}

} // namespace
} // namespace pjm::remote
