// core::Handler over a real database, on every backend (a SQLite file, a PostgreSQL
// database): the order of checks, authorization, the lifecycle, and that a refused message
// changes nothing.
#include "core/handler.hpp"
#include "core/kinds/kind.hpp"
#include "store/store.hpp"
#include "test_databases.hpp"

#include <memory>

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

// A job filter with only what `set` sets (designated initializers would warn about the rest).
template <class Set> pjm::core::JobFilter filter(Set set) {
    pjm::core::JobFilter f;
    set(f);
    return f;
}

using nlohmann::json;

constexpr std::int64_t k_t0 = 1'790'000'000'000; // ms, a fixed "now"

class HandlerTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        db = std::make_unique<test::TestDatabase>(GetParam());
        storage = store::open(db->url());
        HandlerConfig cfg;
        cfg.admin.secret = "test-secret";
        cfg.admin.key = "k";
        cfg.admin.lifetime = 3600;
        handler = std::make_unique<Handler>(*storage, clock, cfg);
        pipeline = handler->uuids().pipeline_uuid("demo");
        ASSERT_TRUE(storage->add_pipeline({pipeline, "demo", "", "2026-01-01T00:00:00.000Z"}));
        Outcome o = handler->handle(
            json{{"pipeline_uuid", pipeline}, {"archive_path", "/a"}, {"data", {{"n", 1}}}}, {});
        ASSERT_TRUE(o.ok()) << o.message;
        job = o.job->uuid;
        token = *o.token;
    }

    Outcome event(const std::string& name, const std::optional<std::string>& tok,
                  const std::string& uuid = "") {
        json body = {{"uuid", uuid.empty() ? job : uuid}, {"name", name}};
        if (tok) body["token"] = *tok;
        return handler->handle(body, {});
    }

    std::string admin() const { return admin_token({"test-secret", "k", 3600}, clock.now_s()); }

    // Everything a message could change, as one comparable document.
    json snapshot() {
        json all = json::array();
        for (const auto& j : storage->find_jobs(filter([](auto& f) { f.include_hidden = true; })))
            all.push_back(to_document(*storage->get_job(j.uuid, core::HistoryWindow::all())));
        return all;
    }

    std::unique_ptr<test::TestDatabase> db;
    FixedClock clock{k_t0};
    std::unique_ptr<Storage> storage;
    std::unique_ptr<Handler> handler;
    std::string pipeline, job, token;
};

TEST_P(HandlerTest, CreateReturnsTypedUuidTokenAndHistory) {
    EXPECT_TRUE(is_typed_uuid(job, UuidType::job));
    EXPECT_EQ(token, job_token(storage->get_job(job, core::HistoryWindow::none())->salt, job));
    auto stored = storage->get_job(job, core::HistoryWindow::all());
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->state, State::created);
    ASSERT_EQ(stored->history.size(), 1u);
    EXPECT_EQ(stored->history[0].name, "create");
    EXPECT_EQ(stored->history[0].date, "2026-09-21T14:13:20.000Z");
    EXPECT_TRUE(is_typed_uuid(stored->history[0].uuid, UuidType::event));
}

TEST_P(HandlerTest, EventAppendsOneEntryAndMovesState) {
    clock.advance_ms(1234);
    Outcome o = event("run", token);
    ASSERT_TRUE(o.ok()) << o.message;
    auto stored = storage->get_job(job, core::HistoryWindow::all());
    EXPECT_EQ(stored->state, State::running);
    EXPECT_EQ(stored->last_event, "run");
    EXPECT_EQ(stored->updated, "2026-09-21T14:13:21.234Z");
    ASSERT_EQ(stored->history.size(), 2u);
    EXPECT_EQ(stored->history[1].name, "run");
    EXPECT_EQ(stored->event_count, 2);
}

TEST_P(HandlerTest, AnnotatingEventsKeepState) {
    ASSERT_TRUE(event("update", token).ok());
    ASSERT_TRUE(event("resource", token).ok());
    auto stored = storage->get_job(job, core::HistoryWindow::all());
    EXPECT_EQ(stored->state, State::created);
    EXPECT_EQ(stored->last_event, "resource");
    EXPECT_EQ(stored->history.size(), 3u);
}

TEST_P(HandlerTest, ChecksRunInSpecOrder) {
    // invalid (3) beats everything: bad uuid and no token.
    EXPECT_EQ(handler->handle(json{{"uuid", "nope"}, {"name", "run"}}, {}).kind,
              ErrorKind::invalid);
    // not found (4) beats unauthorized: unknown job with a wrong token.
    std::string other = job.substr(0, 30) + "000000";
    EXPECT_EQ(event("run", "ffffffffffffffff", other).kind, ErrorKind::not_found);
    // unauthorized (5) beats conflict: finalize is not allowed in CREATED, but the token is bad.
    EXPECT_EQ(event("finalize", "ffffffffffffffff").kind, ErrorKind::unauthorized);
    // conflict (6) once authorized.
    EXPECT_EQ(event("finalize", token).kind, ErrorKind::conflict);
}

TEST_P(HandlerTest, TokensAreChecked) {
    EXPECT_EQ(event("run", std::nullopt).kind, ErrorKind::unauthorized);
    EXPECT_EQ(event("run", "0123456789abcdef").kind, ErrorKind::unauthorized);
    EXPECT_EQ(event("run", token + "0").kind, ErrorKind::unauthorized); // 17 characters
    EXPECT_TRUE(event("run", admin()).ok()) << "an admin token works for any event";
}

TEST_P(HandlerTest, AdminOnlyEventsRefuseJobToken) {
    Outcome o = event("reset", token);
    EXPECT_EQ(o.kind, ErrorKind::unauthorized);
    EXPECT_NE(o.message.find("admin"), std::string::npos);
    ASSERT_TRUE(event("reset", admin()).ok());
    EXPECT_EQ(event("ready", token).kind, ErrorKind::unauthorized);
    ASSERT_TRUE(event("ready", admin()).ok());
    EXPECT_EQ(storage->get_job(job, core::HistoryWindow::none())->state, State::created);
}

TEST_P(HandlerTest, AdminTokenWindows) {
    std::string issued = admin();
    clock.advance_ms(3600 * 1000); // next window: the previous one is still accepted
    EXPECT_TRUE(event("update", issued).ok());
    clock.advance_ms(3600 * 1000); // two windows later: refused
    EXPECT_EQ(event("update", issued).kind, ErrorKind::unauthorized);
}

TEST_P(HandlerTest, RefusedMessagesChangeNothing) {
    json before = snapshot();
    EXPECT_FALSE(event("finish", token).ok());                // conflict
    EXPECT_FALSE(event("run", "0000000000000000").ok());      // unauthorized
    EXPECT_FALSE(event("reset", token).ok());                 // admin only
    EXPECT_FALSE(handler->handle_raw("{\"uuid\":", {}).ok()); // invalid JSON
    EXPECT_FALSE(handler->handle(json{{"uuid", job}, {"action", "delete"}, {"token", token}}, {})
                     .ok()); // delete with a job token
    EXPECT_FALSE(
        handler
            ->handle(
                json{{"pipeline_uuid", pipeline}, {"archive_path", "/b"}, {"data", {{"n", 1}}}}, {})
            .ok()); // the same job again
    EXPECT_EQ(snapshot(), before);
}

TEST_P(HandlerTest, CreateNeedsKnownPipelineAndIsDeterministic) {
    std::string unknown = handler->uuids().pipeline_uuid("unknown");
    Outcome o = handler->handle(
        json{{"pipeline_uuid", unknown}, {"archive_path", "/a"}, {"data", json::object()}}, {});
    EXPECT_EQ(o.kind, ErrorKind::not_found);
    Outcome again = handler->handle(
        json{{"pipeline_uuid", pipeline}, {"archive_path", "/elsewhere"}, {"data", {{"n", 1}}}},
        {});
    EXPECT_EQ(again.kind, ErrorKind::conflict);
    EXPECT_NE(again.message.find(job), std::string::npos);
}

TEST_P(HandlerTest, SoftDeleteHidesForceDeleteRemoves) {
    json del = {{"uuid", job}, {"action", "delete"}, {"token", admin()}};
    ASSERT_TRUE(handler->handle(del, {}).ok());
    auto hidden = storage->get_job(job, core::HistoryWindow::all());
    ASSERT_TRUE(hidden);
    EXPECT_FALSE(hidden->visible);
    EXPECT_EQ(event("run", token).kind, ErrorKind::conflict);
    EXPECT_EQ(handler->handle(del, {}).kind, ErrorKind::conflict) << "already hidden";
    EXPECT_TRUE(storage->find_jobs({}).empty()) << "list leaves hidden jobs out";

    del["force"] = true;
    ASSERT_TRUE(handler->handle(del, {}).ok());
    EXPECT_FALSE(storage->get_job(job, core::HistoryWindow::all()));
    EXPECT_EQ(event("run", token).kind, ErrorKind::not_found);
    // Gone for good, so the same job can be created again, with a new token.
    Outcome o = handler->handle(
        json{{"pipeline_uuid", pipeline}, {"archive_path", "/a"}, {"data", {{"n", 1}}}}, {});
    ASSERT_TRUE(o.ok()) << o.message;
    EXPECT_EQ(o.job->uuid, job);
    EXPECT_EQ(storage->get_job(job, core::HistoryWindow::all())->history.size(), 1u);
}

TEST_P(HandlerTest, AgaveCallbackBecomesEvent) {
    json body = {{"owner", "me"},
                 {"appId", "app-1.0"},
                 {"executionSystem", "hpc"},
                 {"archivePath", "/arch"},
                 {"archiveSystem", "store"},
                 {"status", "RUNNING"},
                 {"inputs", json::object()},
                 {"parameters", json::object()},
                 {"_links", {{"self", "x"}}},
                 {"retries", 0},
                 {"localId", "42"}};
    auto query = QueryParams::parse("uuid=" + job + "&token=" + token);
    Outcome o = handler->handle(body, *query);
    ASSERT_TRUE(o.ok()) << o.message;
    EXPECT_EQ(o.message_kind, MessageKind::agave_callback);
    auto stored = storage->get_job(job, core::HistoryWindow::all());
    EXPECT_EQ(stored->state, State::running);
    const json& data = stored->history.back().data;
    EXPECT_EQ(data.at("status"), "RUNNING");
    EXPECT_FALSE(data.contains("_links"));
    EXPECT_FALSE(data.contains("retries"));
    EXPECT_FALSE(data.contains("localId"));
}

// --- platform callbacks (docs/protocol.md#callbacks) ------------------------------------------

json tapis_notification(const std::string& status, const std::string& event_uuid) {
    json data = {{"newJobStatus", status},         {"oldJobStatus", "QUEUED"},
                 {"jobUuid", "ef9004c3-0000-007"}, {"jobName", "smoke"},
                 {"jobOwner", "testuser2"},        {"message", "moved to " + status}};
    return {{"uuid", "n-" + event_uuid},
            {"tenant", "dev"},
            {"eventUuid", event_uuid},
            {"event",
             {{"source", "https://tapis.io/jobs"},
              {"type", "jobs.JOB_NEW_STATUS." + status},
              {"subject", "ef9004c3-0000-007"},
              {"uuid", event_uuid},
              {"timestamp", "2023-09-15T15:11:23.947827477Z"},
              {"data", data.dump()}}}};
}

class CallbackTest : public HandlerTest {
  protected:
    Outcome notify(const std::string& status, const std::string& event_uuid,
                   const std::optional<std::string>& tok = std::nullopt) {
        auto query = QueryParams::parse("uuid=" + job + "&token=" + tok.value_or(token));
        return handler->handle(tapis_notification(status, event_uuid), *query);
    }
    std::vector<HistoryEntry> history() {
        return storage->get_job(job, HistoryWindow::all())->history;
    }
};

// --- scheduler reports (docs/integrations.md#slurm) --------------------------------------------

class SlurmTest : public HandlerTest {
  protected:
    Outcome run_in_slurm(const std::string& slurm_id, const std::string& cluster = "c1") {
        json body = {
            {"uuid", job},
            {"name", "run"},
            {"token", token},
            {"data",
             {{"scheduler", {{"name", "slurm"}, {"job_id", slurm_id}, {"cluster", cluster}}}}}};
        return handler->handle(body, {});
    }
    Outcome record(std::uint64_t slurm_id, const std::string& state, const std::string& end,
                   const std::optional<std::string>& cluster = std::nullopt) {
        json body = {{"jobid", slurm_id},  {"state", state},          {"@end", end},
                     {"exit_code", "0:0"}, {"script", "#!/bin/sh\n"}, {"container", ""}};
        if (cluster) body["cluster"] = *cluster;
        KindRead r = read_slurm_jobcomp(body);
        if (!r.message) {
            Outcome o;
            o.kind = ErrorKind::invalid;
            return o;
        }
        return handler->handle(*r.message);
    }
};

TEST_P(SlurmTest, ARecordMovesTheJobThatClaimedItsSlurmJob) {
    ASSERT_TRUE(run_in_slurm("4242").applied());
    Outcome o = record(4242, "TIMEOUT", "2026-01-01T01:00:00");
    ASSERT_TRUE(o.applied()) << o.message;
    EXPECT_EQ(o.message_kind, MessageKind::slurm_jobcomp);
    ASSERT_TRUE(o.job);
    EXPECT_EQ(o.job->uuid, job);
    EXPECT_EQ(o.job->state, State::failed);
    const json& d = o.entry->data.at("slurm");
    EXPECT_EQ(d.at("state"), "TIMEOUT");
    EXPECT_EQ(d.at("jobid"), 4242);
    EXPECT_FALSE(d.contains("script")) << "the script stays in the execution";
    EXPECT_FALSE(d.contains("container")) << "empty fields are left out";
    // The same record again is a duplicate; another end of the same Slurm job is stale.
    EXPECT_EQ(record(4242, "TIMEOUT", "2026-01-01T01:00:00").disposition, Disposition::duplicate);
    EXPECT_EQ(record(4242, "COMPLETED", "2026-01-01T02:00:00").disposition, Disposition::stale);
}

TEST_P(SlurmTest, ARecordNoJobClaimsIsAnsweredAndKeepsNothing) {
    ASSERT_TRUE(run_in_slurm("4242", "c1").applied());
    json before = snapshot();
    for (auto [id, cluster] : {std::pair<std::uint64_t, std::optional<std::string>>{99, {}},
                               {4242, std::string("c2")}}) {
        Outcome o = record(id, "FAILED", "2026-01-01T01:00:00", cluster);
        ASSERT_TRUE(o.ok()) << o.message;
        EXPECT_EQ(o.disposition, Disposition::unclaimed);
        EXPECT_FALSE(o.job);
        EXPECT_NE(o.message.find("no PipelineJob claims"), std::string::npos) << o.message;
    }
    EXPECT_EQ(snapshot(), before);
    // The claim's own cluster, or a record that names none, finds it.
    EXPECT_TRUE(record(4242, "COMPLETED", "2026-01-01T01:00:00", std::string("c1")).applied());
}

TEST_P(SlurmTest, OnlyARunEntryClaimsAndTheNewestClaimWins) {
    // An update naming a scheduler job claims nothing.
    json update = {{"uuid", job},
                   {"name", "update"},
                   {"token", token},
                   {"data", {{"scheduler", {{"name", "slurm"}, {"job_id", "7"}}}}}};
    ASSERT_TRUE(handler->handle(update, {}).applied());
    EXPECT_EQ(record(7, "FAILED", "x").disposition, Disposition::unclaimed);
    // Two jobs claim Slurm job 7 (ids are reused): the newer claim takes the record.
    ASSERT_TRUE(run_in_slurm("7").applied());
    std::string first = job;
    Outcome second = handler->handle(
        json{{"pipeline_uuid", pipeline}, {"archive_path", "/a"}, {"data", {{"n", 2}}}}, {});
    ASSERT_TRUE(second.ok());
    job = second.job->uuid;
    token = *second.token;
    clock.advance_ms(1000);
    ASSERT_TRUE(run_in_slurm("7").applied());
    Outcome o = record(7, "FAILED", "x");
    ASSERT_TRUE(o.applied()) << o.message;
    EXPECT_EQ(o.job->uuid, job);
    EXPECT_EQ(storage->get_job(first, HistoryWindow::none())->state, State::running);
}

// Nextflow's job-creating mode (docs/integrations.md#nextflow): the URL names a pipeline.
TEST_P(HandlerTest, NextflowRunsMakeTheirJobsInTheEventsTransaction) {
    auto weblog = [&](const std::string& event, const std::string& pipeline_uuid,
                      json extra = json::object()) {
        json body = {{"runName", "brave_turing"},
                     {"runId", "r-1"},
                     {"event", event},
                     {"utcTime", "2026-01-01T00:00:00Z"}};
        body.update(extra);
        return handler->handle(body, *QueryParams::parse("pipeline=" + pipeline_uuid));
    };
    json before = snapshot();
    // A task event that is not kept makes no job; an unknown pipeline makes none either.
    Outcome o = weblog("process_started", pipeline,
                       {{"trace", {{"task_id", 1}, {"status", "RUNNING"}, {"name", "a"}}}});
    ASSERT_TRUE(o.ok()) << o.message;
    EXPECT_EQ(o.disposition, Disposition::omitted);
    o = weblog("started", "10600000-0000-5000-8000-00000000beef");
    EXPECT_EQ(o.kind, ErrorKind::not_found) << o.message;
    EXPECT_EQ(snapshot(), before);
    // The completed of a run whose started was lost: made, run inferred, finished; the UUID is
    // pjm create's for the pipeline and {"nextflow": {runId, runName}}.
    o = weblog("completed", pipeline,
               {{"metadata", {{"workflow", {{"success", true}, {"workDir", "/w"}}}}}});
    ASSERT_TRUE(o.applied()) << o.message;
    std::string expected = handler->uuids().job_uuid(
        pipeline, json{{"nextflow", {{"runId", "r-1"}, {"runName", "brave_turing"}}}});
    EXPECT_EQ(o.job->uuid, expected);
    EXPECT_EQ(o.job->state, State::finished);
    EXPECT_EQ(o.job->archive_path, "/w");
    auto stored = storage->get_job(expected, HistoryWindow::all());
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->history.size(), 3u);
    EXPECT_EQ(stored->history[0].name, "create");
    EXPECT_EQ(stored->history[1].name, "run");
    EXPECT_EQ(stored->history[2].name, "finish");
    // The run's started, late: stale, and no second job.
    o = weblog("started", pipeline);
    EXPECT_EQ(o.disposition, Disposition::stale) << o.message;
    EXPECT_EQ(storage->find_jobs(filter([](auto& f) { f.include_hidden = true; })).size(), 2u);
}

TEST(SlurmRecord, StatesMapAndForeignBodiesAreRefused) {
    auto event_of = [](const std::string& state) {
        KindRead r = read_slurm_jobcomp(json{{"jobid", 1}, {"state", state}});
        return r.message ? std::get<EventMessage>(r.message->body).event : Event::create;
    };
    EXPECT_EQ(event_of("COMPLETED"), Event::finish);
    for (const char* s : {"FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
                          "DEADLINE", "CANCELLED", "PREEMPTED"})
        EXPECT_EQ(event_of(s), Event::fail) << s;
    EXPECT_EQ(event_of("REQUEUED"), Event::update);
    for (const json& bad :
         {json{{"jobid", 1}}, json{{"state", "FAILED"}}, json{{"jobid", "1"}, {"state", "FAILED"}},
          json{{"jobid", 0}, {"state", "FAILED"}}, json{{"jobid", 1}, {"state", "failed <b>"}},
          json::array()}) {
        KindRead r = read_slurm_jobcomp(bad);
        EXPECT_FALSE(r.message) << bad.dump();
        EXPECT_FALSE(r.errors.empty()) << bad.dump();
    }
    // The messages route never takes a record for a message of this kind.
    Classified c = classify(json{{"jobid", 1}, {"state", "FAILED"}}, {});
    EXPECT_FALSE(c.message && c.message->kind == MessageKind::slurm_jobcomp);
}

TEST_P(CallbackTest, TapisStatusesMoveTheJob) {
    Outcome o = notify("QUEUED", "e-1");
    ASSERT_TRUE(o.applied()) << o.message;
    EXPECT_EQ(o.message_kind, MessageKind::tapis_notification);
    EXPECT_EQ(history().back().name, "resource");
    o = notify("RUNNING", "e-2");
    ASSERT_TRUE(o.applied()) << o.message;
    o = notify("FINISHED", "e-3");
    ASSERT_TRUE(o.applied()) << o.message;
    auto h = history();
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[2].name, "run");
    EXPECT_EQ(h[3].name, "finish");
    EXPECT_EQ(h[3].data.at("newJobStatus"), "FINISHED");
    EXPECT_EQ(h[3].data.at("notification").at("eventUuid"), "e-3");
    EXPECT_EQ(storage->get_job(job, HistoryWindow::none())->state, State::finished);
}

TEST_P(CallbackTest, DuplicateIsAnsweredOkWithTheFirstEntryAndChangesNothing) {
    Outcome first = notify("RUNNING", "e-run");
    ASSERT_TRUE(first.applied()) << first.message;
    json before = snapshot();
    for (int i = 0; i < 3; ++i) {
        Outcome again = notify("RUNNING", "e-run");
        ASSERT_TRUE(again.ok()) << again.message;
        EXPECT_FALSE(again.applied());
        EXPECT_EQ(again.disposition, Disposition::duplicate);
        EXPECT_EQ(again.duplicate_of, first.entry->uuid);
        EXPECT_NE(again.message.find("duplicate"), std::string::npos) << again.message;
        ASSERT_TRUE(again.job);
        EXPECT_EQ(again.job->state, State::running);
    }
    EXPECT_EQ(snapshot(), before);
}

TEST_P(CallbackTest, StaleStatusIsAnsweredOkAndChangesNothing) {
    ASSERT_TRUE(notify("RUNNING", "e-1").applied());
    ASSERT_TRUE(notify("FINISHED", "e-2").applied());
    json before = snapshot();
    for (auto [status, id] : {std::pair{"RUNNING", "e-3"}, {"QUEUED", "e-4"}, {"FAILED", "e-5"}}) {
        Outcome late = notify(status, id);
        ASSERT_TRUE(late.ok()) << late.message;
        EXPECT_EQ(late.disposition, Disposition::stale) << status;
        EXPECT_NE(late.message.find("stale: the job is already FINISHED"), std::string::npos)
            << late.message;
    }
    EXPECT_EQ(snapshot(), before);
    // A stale notification leaves no receipt: the same one again is stale again, not a
    // duplicate of an entry that does not exist.
    EXPECT_EQ(notify("RUNNING", "e-3").disposition, Disposition::stale);
}

TEST_P(CallbackTest, FinishedOnACreatedJobInfersTheLostRun) {
    clock.advance_ms(500);
    Outcome o = notify("FINISHED", "e-fin");
    ASSERT_TRUE(o.applied()) << o.message;
    ASSERT_EQ(o.inferred.size(), 1u);
    EXPECT_EQ(o.inferred[0].name, "run");
    EXPECT_NE(o.message.find("CREATED -> FINISHED (run inferred first"), std::string::npos)
        << o.message;
    auto h = history();
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[1].name, "run");
    EXPECT_EQ(h[1].uuid, o.inferred[0].uuid);
    EXPECT_EQ(h[1].data.at("inferred"), true);
    EXPECT_NE(h[1].data.at("reason").get<std::string>().find("Tapis v3 reported FINISHED while "
                                                             "the job was CREATED"),
              std::string::npos);
    EXPECT_EQ(h[2].name, "finish");
    EXPECT_EQ(h[2].uuid, o.entry->uuid);
    EXPECT_EQ(storage->get_job(job, HistoryWindow::none())->state, State::finished);
    // The lost RUNNING arriving now is stale; the FINISHED again a duplicate of the finish.
    EXPECT_EQ(notify("RUNNING", "e-run").disposition, Disposition::stale);
    Outcome dup = notify("FINISHED", "e-fin");
    EXPECT_EQ(dup.disposition, Disposition::duplicate);
    EXPECT_EQ(dup.duplicate_of, o.entry->uuid);
    EXPECT_EQ(history().size(), 3u);
}

TEST_P(CallbackTest, GenuineRefusalsStayRefusals) {
    json before = snapshot();
    EXPECT_EQ(notify("RUNNING", "e-1", std::string("0123456789abcdef")).kind,
              ErrorKind::unauthorized);
    auto query = QueryParams::parse("uuid=1071e8a4-1d3d-5f7c-9b2e-000000000000&token=" + token);
    EXPECT_EQ(handler->handle(tapis_notification("RUNNING", "e-2"), *query).kind,
              ErrorKind::not_found);
    EXPECT_EQ(handler->handle(tapis_notification("RUNNING", "e-3"), QueryParams{}).kind,
              ErrorKind::invalid);
    EXPECT_EQ(snapshot(), before);
    // A refused notification leaves no receipt: once the credential is right it applies.
    EXPECT_TRUE(notify("RUNNING", "e-1").applied());
}

TEST_P(CallbackTest, CommandsKeepTheirStrictAnswers) {
    json before = snapshot();
    Outcome o = event("finish", token);
    EXPECT_EQ(o.kind, ErrorKind::conflict) << "a person's finish on a CREATED job";
    EXPECT_EQ(snapshot(), before);
    ASSERT_TRUE(event("run", token).ok());
    ASSERT_TRUE(event("finish", token).ok());
    EXPECT_EQ(event("run", token).kind, ErrorKind::conflict);
}

TEST_P(CallbackTest, AgaveDuplicateIsTheSameAgaveJobAndStatus) {
    json body = {{"id", "agave-job-7"},          {"owner", "me"},
                 {"appId", "app-1.0"},           {"executionSystem", "hpc"},
                 {"archivePath", "/arch"},       {"archiveSystem", "store"},
                 {"status", "RUNNING"},          {"inputs", json::object()},
                 {"parameters", json::object()}, {"_links", {{"self", "x"}}}};
    auto query = QueryParams::parse("uuid=" + job + "&token=" + token);
    Outcome first = handler->handle(body, *query);
    ASSERT_TRUE(first.applied()) << first.message;
    Outcome again = handler->handle(body, *query);
    EXPECT_EQ(again.disposition, Disposition::duplicate) << again.message;
    EXPECT_EQ(again.duplicate_of, first.entry->uuid);
    body["status"] = "running"; // the same status, spelt otherwise
    EXPECT_EQ(handler->handle(body, *query).disposition, Disposition::duplicate);
    body["status"] = "FINISHED";
    EXPECT_TRUE(handler->handle(body, *query).applied());
    body["status"] = "RUNNING";
    body["id"] = "agave-job-8"; // another Agave job's RUNNING: stale here, not a duplicate
    EXPECT_EQ(handler->handle(body, *query).disposition, Disposition::stale);
    EXPECT_EQ(history().size(), 3u);
}

TEST_P(CallbackTest, DeletedJobIgnoresCallbacks) {
    json del = {{"uuid", job}, {"action", "delete"}, {"token", admin()}};
    ASSERT_TRUE(handler->handle(del, {}).ok());
    json before = snapshot();
    Outcome o = notify("RUNNING", "e-1");
    ASSERT_TRUE(o.ok()) << o.message;
    EXPECT_EQ(o.disposition, Disposition::stale);
    EXPECT_NE(o.message.find("deleted"), std::string::npos) << o.message;
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(event("run", token).kind, ErrorKind::conflict) << "a command is still refused";
}

TEST_P(HandlerTest, UrlParameterFormUsesBodyAsData) {
    auto query = QueryParams::parse("uuid=" + job + "&event=run&token=" + token);
    Outcome o = handler->handle_raw(R"({"arbitrary": "key value data"})", *query);
    ASSERT_TRUE(o.ok()) << o.message;
    EXPECT_EQ(o.message_kind, MessageKind::url_params);
    EXPECT_EQ(storage->get_job(job, core::HistoryWindow::all())->history.back().data,
              json({{"arbitrary", "key value data"}}));
}

// Found by fuzzing: a create whose data held 1e400 threw out of handle_raw (an uncaught
// nlohmann out_of_range) instead of being refused as an invalid message.
TEST_P(HandlerTest, NumberBeyondADoubleIsAnInvalidMessage) {
    json before = snapshot();
    Outcome o = handler->handle_raw(
        R"({"pipeline_uuid":")" + pipeline + R"(","archive_path":"/a","data":{"g":1e400}})", {});
    EXPECT_EQ(o.kind, ErrorKind::invalid);
    EXPECT_NE(o.message.find("1e400"), std::string::npos) << o.message;
    o = handler->handle_raw(R"({"uuid":")" + job + R"(","name":"update","token":")" + token +
                                R"(","data":{"n":-2e308}})",
                            {});
    EXPECT_EQ(o.kind, ErrorKind::invalid);
    EXPECT_EQ(snapshot(), before);
}

// Found by fuzzing: a URL token that is not UTF-8 (a lead byte and a run of continuation
// bytes, percent-encoded) made the schema validator read out of bounds.
TEST_P(HandlerTest, UrlTokenThatIsNotUtf8IsAnInvalidMessage) {
    json before = snapshot();
    std::string bad = "%DD";
    for (int i = 0; i < 40; ++i)
        bad += "%9C";
    std::string agave = R"({"owner":"o","appId":"a","executionSystem":"e","archivePath":"/p",)"
                        R"("archiveSystem":"s","status":"RUNNING","inputs":{},)"
                        R"("parameters":{},"_links":{}})";
    const std::pair<std::string, std::string> messages[] = {
        {"uuid=" + job + "&name=run&token=" + bad, "{}"},              // URL-parameter form
        {"token=" + bad, R"({"uuid":")" + job + R"(","name":"run"})"}, // event, token in URL
        {"uuid=" + job + "&token=" + bad, agave},                      // Agave callback
    };
    for (const auto& [q, body] : messages) {
        auto query = QueryParams::parse(q);
        ASSERT_TRUE(query);
        Outcome o = handler->handle_raw(body, *query);
        EXPECT_EQ(o.kind, ErrorKind::invalid) << q;
        EXPECT_NE(o.message.find("not valid UTF-8"), std::string::npos) << o.message;
    }
    EXPECT_EQ(snapshot(), before);
}

TEST(HandlerStorage, StorageFailureIsStorageKind) {
    test::TempDir dir;
    // A database file that is not SQLite cannot be opened: the error is a StorageError.
    std::FILE* f = std::fopen(dir.file("junk.db").c_str(), "w");
    std::fputs("this is not a database, it is plain text long enough to be read\n", f);
    std::fclose(f);
    EXPECT_THROW(store::open(dir.file("junk.db")), StorageError);
}

} // namespace
} // namespace pjm::core

namespace pjm::core {
namespace {

TEST_P(HandlerTest, JobDocumentRoundTrips) {
    ASSERT_TRUE(event("run", token).ok());
    Job original = *storage->get_job(job, core::HistoryWindow::all());
    Job back = job_from_document(to_document(original));
    EXPECT_EQ(to_document(back), to_document(original));
    EXPECT_TRUE(back.salt.empty()) << "documents never carry the salt";
    EXPECT_THROW(job_from_document(json{{"uuid", job}}), std::invalid_argument);
}

} // namespace
} // namespace pjm::core

namespace pjm::core {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, HandlerTest, ::testing::ValuesIn(test::storage_backends()),
                         test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, CallbackTest, ::testing::ValuesIn(test::storage_backends()),
                         test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, SlurmTest, ::testing::ValuesIn(test::storage_backends()),
                         test::backend_name);

} // namespace
} // namespace pjm::core
