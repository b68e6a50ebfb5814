// The CLI's doors: the local door over a real SQLite database, the remote door over a sender
// whose network is replaced by canned replies, the dry-run door over settings alone. Each
// answers with one Delivery, and one message gives the same --json shape through each door.
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/present.hpp"
#include "core/handler.hpp"
#include "core/token.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <memory>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

using nlohmann::json;

constexpr std::int64_t k_t0 = 1'790'000'000'000;

std::set<std::string> keys(const json& doc) {
    std::set<std::string> out;
    for (const auto& [k, v] : doc.items())
        out.insert(k);
    return out;
}

class LocalDoorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        storage = store::open(dir.file("pjm.db"));
        core::HandlerConfig cfg;
        cfg.admin.secret = "s";
        handler = std::make_unique<core::Handler>(*storage, clock, cfg);
        pipeline = handler->uuids().pipeline_uuid("demo");
        ASSERT_TRUE(storage->add_pipeline({pipeline, "demo", "", "2026-01-01T00:00:00.000Z"}));
    }
    Delivery create(LocalDoor& door) {
        return door.deliver(outgoing(
            {{"pipeline_uuid", pipeline}, {"archive_path", "/a"}, {"data", {{"n", 1}}}}, {}));
    }

    test::TempDir dir;
    core::FixedClock clock{k_t0};
    std::unique_ptr<core::Storage> storage;
    std::unique_ptr<core::Handler> handler;
    std::string pipeline;
};

TEST_F(LocalDoorTest, CreateIsAppliedWithJobAndToken) {
    LocalDoor door(*handler);
    Delivery d = create(door);
    ASSERT_TRUE(d.ok()) << d.message;
    EXPECT_EQ(d.outcome, "applied");
    EXPECT_EQ(d.message_kind, "PipelineJobCreateAction");
    ASSERT_TRUE(d.uuid.is_string());
    EXPECT_EQ(d.job["uuid"], d.uuid);
    EXPECT_EQ(d.job["state"], "CREATED");
    EXPECT_FALSE(d.job.contains("history"));
    ASSERT_TRUE(d.token);
    auto stored = storage->get_job(d.uuid.get<std::string>(), core::HistoryWindow::none());
    ASSERT_TRUE(stored);
    EXPECT_EQ(*d.token, core::job_token(stored->salt, stored->uuid));
    EXPECT_TRUE(d.execution_id.empty());
}

TEST_F(LocalDoorTest, EventMovesTheJobAndARefusalNamesTheJob) {
    LocalDoor door(*handler);
    Delivery c = create(door);
    std::string job = c.uuid.get<std::string>();
    Delivery run =
        door.deliver(outgoing({{"uuid", job}, {"name", "run"}, {"token", *c.token}}, {}));
    ASSERT_TRUE(run.ok()) << run.message;
    EXPECT_EQ(run.job["state"], "RUNNING");
    EXPECT_FALSE(run.token);

    Delivery bad = door.deliver(
        outgoing({{"uuid", job}, {"name", "finish"}, {"token", "ffffffffffffffff"}}, {}));
    EXPECT_EQ(bad.kind, core::ErrorKind::unauthorized);
    EXPECT_EQ(bad.outcome, "refused");
    EXPECT_EQ(bad.uuid, job);
    EXPECT_TRUE(bad.job.is_null());
    EXPECT_EQ(storage->get_job(job, core::HistoryWindow::none())->state, core::State::running);
}

TEST_F(LocalDoorTest, UrlParametersAndRawTextGoThroughTheHandler) {
    LocalDoor door(*handler);
    Delivery c = create(door);
    core::QueryParams q;
    q.add("uuid", c.uuid.get<std::string>());
    q.add("name", "run");
    q.add("token", *c.token);
    Delivery d = door.deliver(outgoing(json::object(), q));
    EXPECT_TRUE(d.ok()) << d.message;
    EXPECT_EQ(d.message_kind, "PipelineJobEvent (URL parameters)");

    Delivery junk = door.deliver({"{not json", nullptr, {}});
    EXPECT_EQ(junk.kind, core::ErrorKind::invalid);
    EXPECT_TRUE(junk.uuid.is_null());
}

// The remote door, with the sender's network replaced.
class RemoteDoorTest : public ::testing::Test {
  protected:
    RemoteDoor door(std::function<remote::Reply(const std::string&)> answer, bool keep = true) {
        remote::SenderOptions options;
        options.keep_undelivered = keep;
        options.post = [this, answer](const std::string& text, const core::QueryParams&,
                                      const std::string& key) {
            posted.push_back(text);
            keys_used.push_back(key);
            return answer(text);
        };
        options.resend = [this](const remote::OutboxEntry& e) {
            resent.push_back(e.body);
            return remote::Reply{};
        };
        remote::AbacoClient client("http://127.0.0.1:1/actors/v2/A/messages", {}, {});
        return RemoteDoor(remote::Sender(client, remote::Outbox(dir.file("outbox")), options),
                          RemoteOptions{});
    }
    static remote::Reply down(const std::string&) {
        remote::Reply r;
        r.kind = core::ErrorKind::remote;
        r.retryable = true;
        r.message = "cannot reach the manager";
        return r;
    }

    test::TempDir dir;
    std::vector<std::string> posted, keys_used, resent;
};

TEST_F(RemoteDoorTest, SentReplyCarriesTheJobAndToken) {
    json job = {{"uuid", "1073f4ff-c2b9-5190-bd9a-e6a406d9796a"}, {"state", "CREATED"}};
    auto d = door([&](const std::string&) {
                 remote::Reply r;
                 r.message = "created";
                 r.execution_id = "E1";
                 r.result = {{"execution_id", "E1"},
                             {"kind", "PipelineJobCreateAction"},
                             {"job", job},
                             {"token", "0123456789abcdef"}};
                 return r;
             }).deliver(outgoing({{"pipeline_uuid", "106"}, {"archive_path", "/a"}}, {}));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.outcome, "sent");
    EXPECT_EQ(d.uuid, job["uuid"]);
    EXPECT_EQ(d.job, job);
    EXPECT_EQ(d.token, "0123456789abcdef");
    EXPECT_EQ(d.execution_id, "E1");
    EXPECT_EQ(posted.size(), 1u);
}

TEST_F(RemoteDoorTest, UnreachableManagerQueuesWithOneKey) {
    auto d = door(down).deliver(outgoing({{"uuid", "107a"}, {"name", "run"}}, {}));
    EXPECT_EQ(d.kind, core::ErrorKind::queued);
    EXPECT_EQ(d.outcome, "queued");
    EXPECT_EQ(d.uuid, "107a");
    EXPECT_FALSE(d.unreachable.empty());
    auto entries = remote::Outbox(dir.file("outbox")).list();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].id, d.outbox_id);
    EXPECT_EQ(entries[0].key, keys_used.at(0)); // a flush repeats the attempt's key
    EXPECT_EQ(entries[0].job_uuid, "107a");
}

TEST_F(RemoteDoorTest, RefusalIsFinalAndNothingIsQueued) {
    auto d = door([](const std::string&) {
                 remote::Reply r;
                 r.kind = core::ErrorKind::conflict;
                 r.message = "not allowed";
                 return r;
             }).deliver(outgoing({{"uuid", "107a"}, {"name", "run"}}, {}));
    EXPECT_EQ(d.kind, core::ErrorKind::conflict);
    EXPECT_EQ(d.outcome, "refused");
    EXPECT_TRUE(remote::Outbox(dir.file("outbox")).list().empty());
}

TEST_F(RemoteDoorTest, NoOutboxMeansARemoteFailure) {
    auto d = door(down, false).deliver(outgoing({{"uuid", "107a"}, {"name", "run"}}, {}));
    EXPECT_EQ(d.kind, core::ErrorKind::remote);
    EXPECT_EQ(d.outcome, "failed");
    EXPECT_NE(d.message.find("--no-outbox"), std::string::npos);
    EXPECT_TRUE(remote::Outbox(dir.file("outbox")).list().empty());
}

TEST_F(RemoteDoorTest, AfterStopTryingMessagesAreKeptWithoutAnAttempt) {
    auto d = door([](const std::string&) { return remote::Reply{}; });
    d.stop_trying("not tried: down before");
    auto r = d.deliver(outgoing({{"uuid", "107b"}, {"name", "run"}}, {}));
    EXPECT_EQ(r.kind, core::ErrorKind::queued);
    EXPECT_NE(r.message.find("not tried: down before"), std::string::npos);
    EXPECT_TRUE(posted.empty());
}

TEST_F(RemoteDoorTest, AJobsEarlierMessagesGoFirst) {
    // One queued while the manager was down; the next message of the same job sends it first.
    door(down).deliver(outgoing({{"uuid", "107c"}, {"name", "run"}}, {}));
    posted.clear();
    auto d = door([](const std::string&) {
                 return remote::Reply{};
             }).deliver(outgoing({{"uuid", "107c"}, {"name", "finish"}}, {}));
    EXPECT_TRUE(d.ok()) << d.message;
    ASSERT_EQ(resent.size(), 1u);
    EXPECT_NE(resent[0].find("\"run\""), std::string::npos);
    ASSERT_EQ(posted.size(), 1u);
    EXPECT_NE(posted[0].find("\"finish\""), std::string::npos);
    EXPECT_TRUE(remote::Outbox(dir.file("outbox")).list().empty());
}

TEST_F(RemoteDoorTest, OtherJobsAreNotHeldBack) {
    door(down).deliver(outgoing({{"uuid", "107c"}, {"name", "run"}}, {}));
    auto d = door([](const std::string&) {
                 return remote::Reply{};
             }).deliver(outgoing({{"uuid", "107d"}, {"name", "run"}}, {}));
    EXPECT_TRUE(d.ok());
    EXPECT_TRUE(resent.empty());
    EXPECT_EQ(remote::Outbox(dir.file("outbox")).list().size(), 1u);
}

TEST(DryRunDoor, ShowsTheRequestWithSecretsRedacted) {
    Context ctx;
    ctx.settings.set("url", "https://t.example/actors/v2/A/messages?x-nonce=SECRET", "test");
    DryRunDoor door(ctx, DryRunDoor::Target::manager);
    Delivery d = door.deliver(outgoing({{"uuid", "107e"}, {"name", "run"}, {"token", "T0K"}}, {}));
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(d.outcome, "would_send");
    std::string shown = d.request.dump();
    EXPECT_EQ(shown.find("SECRET"), std::string::npos) << shown;
    EXPECT_EQ(shown.find("T0K"), std::string::npos) << shown;
    EXPECT_EQ(d.request["url"], "https://t.example/actors/v2/A/messages?x-nonce=<redacted>");
}

TEST(DryRunDoor, LocalDryRunClassifiesAndRefusesAnInvalidMessage) {
    Context ctx;
    ctx.settings.set("database", "/nonexistent/pjm.db", "test");
    DryRunDoor door(ctx, DryRunDoor::Target::database);
    Delivery ok = door.deliver(outgoing({{"uuid", "1073f4ff-c2b9-5190-bd9a-e6a406d9796a"},
                                         {"name", "run"},
                                         {"token", "0123456789abcdef"}},
                                        {}));
    EXPECT_TRUE(ok.ok()) << ok.message;
    EXPECT_EQ(ok.outcome, "would_apply");
    EXPECT_EQ(ok.message_kind, "PipelineJobEvent");
    EXPECT_EQ(ok.request["database"], "/nonexistent/pjm.db");
    Delivery bad = door.deliver(outgoing({{"uuid", "x"}, {"name", "run"}}, {}));
    EXPECT_EQ(bad.kind, core::ErrorKind::invalid);
}

TEST_F(LocalDoorTest, OneDocumentShapeThroughEveryDoor) {
    LocalDoor local(*handler);
    Delivery l = create(local);
    remote::SenderOptions options;
    options.post = [&](const std::string&, const core::QueryParams&, const std::string&) {
        remote::Reply r;
        r.execution_id = "E";
        r.result = {{"job", l.job}, {"token", *l.token}, {"kind", "PipelineJobCreateAction"}};
        return r;
    };
    RemoteDoor remote(remote::Sender(remote::AbacoClient("http://127.0.0.1:1/actors/v2/A", {}, {}),
                                     remote::Outbox(dir.file("outbox")), options),
                      {});
    Delivery r =
        remote.deliver(outgoing({{"pipeline_uuid", pipeline}, {"archive_path", "/a"}}, {}));
    json a = delivery_document(l), b = delivery_document(r);
    EXPECT_EQ(keys(a), keys(b));
    for (const char* k : {"uuid", "token", "job", "kind"})
        EXPECT_EQ(a[k], b[k]) << k;
    EXPECT_EQ(a["outcome"], "applied");
    EXPECT_EQ(b["outcome"], "sent");
}

TEST(OutcomeName, RefusalsAndFailures) {
    EXPECT_EQ(outcome_name(core::ErrorKind::ok, "applied"), "applied");
    EXPECT_EQ(outcome_name(core::ErrorKind::queued, "sent"), "queued");
    EXPECT_EQ(outcome_name(core::ErrorKind::not_found, "sent"), "refused");
    EXPECT_EQ(outcome_name(core::ErrorKind::storage, "sent"), "failed");
}

} // namespace
} // namespace pjm::cli
