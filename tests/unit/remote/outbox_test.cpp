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

} // namespace
} // namespace pjm::remote
