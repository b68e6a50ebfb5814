// The Abaco reply envelope, the execution documents and the reply to a message.
#include "core/timefmt.hpp"
#include "server/envelope.hpp"
#include "server/execution.hpp"

#include <chrono>
#include <cstdint>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

using nlohmann::json;

TEST(Envelope, HasTheFourAbacoFields) {
    json e = envelope(true, "done", {{"k", 1}}, "0.1.0");
    EXPECT_EQ(e, json({{"status", "success"},
                       {"message", "done"},
                       {"version", "0.1.0"},
                       {"result", {{"k", 1}}}}));
    json err = envelope(false, "why", nullptr, "0.1.0");
    EXPECT_EQ(err["status"], "error");
    EXPECT_TRUE(err["result"].is_null());
}

TEST(Envelope, TextSurvivesBytesThatAreNotUtf8) {
    std::string text = envelope_text(false, "bad", {{"msg", std::string("a\xff\xfe")}}, "v");
    json back = json::parse(text);
    EXPECT_EQ(back["status"], "error");
    EXPECT_TRUE(back["result"]["msg"].is_string());
}

TEST(Envelope, StatusMessages) {
    EXPECT_EQ(status_message(200), "The request was successful");
    EXPECT_EQ(status_message(404), "Not found");
    EXPECT_EQ(status_message(418), "The request failed");
}

TEST(ExecutionId, RandomSixteenAlphanumerics) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string id = new_execution_id();
        ASSERT_EQ(id.size(), 16u);
        for (char c : id)
            ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
        EXPECT_TRUE(plausible_execution_id(id));
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 200u);
    EXPECT_FALSE(plausible_execution_id(""));
    EXPECT_FALSE(plausible_execution_id("../etc"));
    EXPECT_FALSE(plausible_execution_id(std::string(65, 'a')));
    EXPECT_TRUE(plausible_execution_id("abc-DEF_123"));
}

// Ids made one after the other sort in that order (they share the executions index's last
// page), and the time they start with reads back.
TEST(ExecutionId, StartsWithTheTimeSoLaterIdsSortAfter) {
    auto before = std::chrono::system_clock::now();
    std::string first = new_execution_id();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::string second = new_execution_id();
    EXPECT_LT(first, second);
    const std::string_view digits =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::int64_t ms = 0;
    for (char c : first.substr(0, 7))
        ms = ms * 62 + static_cast<std::int64_t>(digits.find(c));
    auto since =
        ms -
        std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
    EXPECT_GE(since, 0);
    EXPECT_LT(since, 1000);
    EXPECT_NE(first.substr(7), second.substr(7));
}

core::Outcome event_outcome() {
    core::Outcome o;
    o.kind = core::ErrorKind::ok;
    o.message = "107... run: CREATED -> RUNNING";
    o.message_kind = core::MessageKind::event;
    core::Job job;
    job.uuid = "107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee";
    job.salt = "never shown";
    job.state = core::State::running;
    o.job = job;
    return o;
}

const Links k_links{"http://h:1", "/actors/v2", "act", "alice"};

TEST(Execution, MadeFromAnOutcome) {
    auto e = make_execution("X1", "act", event_outcome(), std::nullopt, 1000, 1250);
    EXPECT_EQ(e.id, "X1");
    EXPECT_EQ(e.actor_id, "act");
    EXPECT_EQ(e.status, "COMPLETE");
    EXPECT_EQ(e.exit_code, 0);
    EXPECT_EQ(e.start_time, core::rfc3339_ms(1000));
    EXPECT_EQ(e.end_time, core::rfc3339_ms(1250));
    EXPECT_EQ(e.message_kind, "PipelineJobEvent");
    EXPECT_EQ(e.job_uuid, "107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee");
    EXPECT_EQ(e.log, "107... run: CREATED -> RUNNING");
}

TEST(Execution, ARefusalKeepsItsExitCodeAndTheMessagesJob) {
    core::Outcome o;
    o.kind = core::ErrorKind::conflict;
    o.message = "not allowed";
    core::Message m;
    m.kind = core::MessageKind::event;
    m.body = core::EventMessage{"107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee",
                                core::Event::finalize,
                                {},
                                std::nullopt,
                                std::nullopt};
    auto e = make_execution("X2", "act", o, m, 0, 0);
    EXPECT_EQ(e.exit_code, 6);
    EXPECT_EQ(e.message_kind, "PipelineJobEvent");
    EXPECT_EQ(e.job_uuid, "107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee");
    EXPECT_EQ(e.log, "not allowed");
    core::Outcome invalid;
    invalid.kind = core::ErrorKind::invalid;
    auto unclassified = make_execution("X3", "act", invalid, std::nullopt, 0, 0);
    EXPECT_EQ(unclassified.exit_code, 3);
    EXPECT_EQ(unclassified.message_kind, "");
    EXPECT_EQ(unclassified.job_uuid, "");
}

TEST(Execution, Documents) {
    auto e = make_execution("X1", "act", event_outcome(), std::nullopt, 1000, 1250);
    json doc = execution_document(e, k_links);
    EXPECT_EQ(doc["id"], "X1");
    EXPECT_EQ(doc["status"], "COMPLETE");
    EXPECT_EQ(doc["exit_code"], 0);
    EXPECT_EQ(doc["start_time"], e.start_time);
    EXPECT_EQ(doc["message_received_time"], e.start_time);
    EXPECT_EQ(doc["finish_time"], e.end_time);
    EXPECT_FALSE(doc.contains("end_time")) << "Abaco says finish_time";
    EXPECT_EQ(doc["runtime"], 0) << "whole seconds, as Abaco counts";
    EXPECT_EQ(doc["api_server"], "http://h:1");
    EXPECT_EQ(doc["executor"], "unknown") << "an execution recorded without its sender";
    EXPECT_EQ(doc["worker_id"], nullptr);
    EXPECT_EQ(doc["final_state"]["ExitCode"], 0);
    EXPECT_EQ(doc["final_state"]["FinishedAt"], e.end_time);
    EXPECT_EQ(doc["_links"]["self"], "http://h:1/actors/v2/act/executions/X1");
    EXPECT_EQ(doc["_links"]["logs"], "http://h:1/actors/v2/act/executions/X1/logs");
    EXPECT_EQ(doc["_links"]["owner"], "http://h:1/profiles/v2/unknown");
    e = make_execution("X1", "act", event_outcome(), std::nullopt, 1000, 3999);
    e.executor = "bearer-2";
    e.worker_id = "W1";
    doc = execution_document(e, k_links);
    EXPECT_EQ(doc["executor"], "bearer-2");
    EXPECT_EQ(doc["worker_id"], "W1");
    EXPECT_EQ(doc["runtime"], 2) << "2.999 s is 2 whole seconds";
    EXPECT_EQ(doc["_links"]["owner"], "http://h:1/profiles/v2/bearer-2");
    json logs = logs_document(e, k_links);
    EXPECT_EQ(logs["logs"], e.log);
    EXPECT_EQ(logs["_links"]["execution"], "http://h:1/actors/v2/act/executions/X1");
    EXPECT_EQ(logs["_links"]["owner"], "http://h:1/profiles/v2/alice") << "the actor's owner";
}

TEST(Execution, Summary) {
    store::ExecutionPage page;
    page.executions.push_back(
        make_execution("X2", "act", event_outcome(), std::nullopt, 5000, 5001));
    page.total = 7;
    page.total_runtime = 3;
    json doc = executions_summary(page, k_links);
    EXPECT_EQ(doc["actor_id"], "act");
    EXPECT_EQ(doc["owner"], "alice");
    EXPECT_EQ(doc["total_executions"], 7);
    EXPECT_EQ(doc["total_runtime"], 3);
    EXPECT_EQ(doc["total_cpu"], 0);
    EXPECT_EQ(doc["executions"][0], json({{"id", "X2"},
                                          {"status", "COMPLETE"},
                                          {"start_time", core::rfc3339_ms(5000)},
                                          {"finish_time", core::rfc3339_ms(5001)},
                                          {"message_received_time", core::rfc3339_ms(5000)},
                                          {"exit_code", 0},
                                          {"message_kind", "PipelineJobEvent"},
                                          {"job_uuid", "107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee"}}))
        << "Abaco's fields, and pjm's exit code, message kind and job";
    EXPECT_EQ(doc["_links"]["self"], "http://h:1/actors/v2/act/executions");
}

TEST(MessageResult, CarriesTheExecutionTheJobAndACreatesToken) {
    core::Outcome o = event_outcome();
    auto e = make_execution("X1", "act", o, std::nullopt, 0, 0);
    json r = message_result(e, "{\"a\": 1}", o, k_links);
    EXPECT_EQ(r["execution_id"], "X1");
    EXPECT_EQ(r["msg"], "{\"a\": 1}");
    EXPECT_EQ(r["_links"]["self"], "http://h:1/actors/v2/act/executions/X1");
    EXPECT_EQ(r["exit_code"], 0);
    EXPECT_EQ(r["outcome"], "ok");
    EXPECT_EQ(r["kind"], "PipelineJobEvent");
    EXPECT_EQ(r["job"]["uuid"], "107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee");
    EXPECT_FALSE(r["job"].contains("salt"));
    EXPECT_FALSE(r["job"].contains("history"));
    EXPECT_EQ(r.dump().find("never shown"), std::string::npos);
    EXPECT_FALSE(r.contains("token"));
    o.token = "0123456789abcdef";
    EXPECT_EQ(message_result(e, "", o, k_links)["token"], "0123456789abcdef");
    o.kind = core::ErrorKind::conflict;
    json refused = message_result(e, "", o, k_links);
    EXPECT_FALSE(refused.contains("job"));
    EXPECT_FALSE(refused.contains("token"));
}

} // namespace
} // namespace pjm::server

namespace pjm::server {
namespace {

TEST(Idempotency, KeysAndTheirExecutionIds) {
    EXPECT_TRUE(valid_idempotency_key("0123456789abcdef0123456789abcdef"));
    EXPECT_TRUE(valid_idempotency_key("a"));
    EXPECT_TRUE(valid_idempotency_key(std::string(255, 'k')));
    EXPECT_FALSE(valid_idempotency_key(""));
    EXPECT_FALSE(valid_idempotency_key(std::string(256, 'k')));
    EXPECT_FALSE(valid_idempotency_key("with space"));
    EXPECT_FALSE(valid_idempotency_key("tab\there"));
    EXPECT_FALSE(valid_idempotency_key("caf\xc3\xa9"));

    std::string id = idempotent_execution_id("act", "key-1");
    EXPECT_EQ(id, idempotent_execution_id("act", "key-1")); // the same key: the same execution
    EXPECT_NE(id, idempotent_execution_id("act", "key-2"));
    EXPECT_NE(id, idempotent_execution_id("other", "key-1")); // keys are per actor
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(plausible_execution_id(id));
    EXPECT_EQ(id.find("key"), std::string::npos);
    std::set<std::string> ids;
    for (int i = 0; i < 500; ++i)
        ids.insert(idempotent_execution_id("act", std::to_string(i)));
    EXPECT_EQ(ids.size(), 500u);
}

TEST(Idempotency, OutcomeOfARecordedExecution) {
    store::Execution e;
    e.exit_code = 6;
    e.log = "not allowed";
    e.message_kind = "PipelineJobEvent";
    core::Outcome o = outcome_of(e);
    EXPECT_EQ(o.kind, core::ErrorKind::conflict);
    EXPECT_EQ(o.message, "not allowed");
    EXPECT_EQ(o.message_kind, core::MessageKind::event);
    e.exit_code = 0;
    e.message_kind = "PipelineJobCreateAction";
    EXPECT_TRUE(outcome_of(e).ok());
    EXPECT_EQ(outcome_of(e).message_kind, core::MessageKind::create_action);
    e.exit_code = 3;
    e.message_kind = "";
    EXPECT_EQ(outcome_of(e).kind, core::ErrorKind::invalid);
    EXPECT_FALSE(outcome_of(e).message_kind);
    e.exit_code = 8;
    EXPECT_EQ(outcome_of(e).kind, core::ErrorKind::storage);
    EXPECT_EQ(core::http_status(outcome_of(e).kind), 503) << "storage failures are retryable";
}

} // namespace
} // namespace pjm::server
