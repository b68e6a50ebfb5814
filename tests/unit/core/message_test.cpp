// Message parsing and classification (docs/protocol.md#messages): raw bodies, the four message
// kinds, the URL-parameter form, Agave status callbacks and the reasons given for refused
// messages.
#include "core/kinds/kind.hpp"
#include "core/message.hpp"

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pjm::core {
namespace {

using nlohmann::json;

const std::string k_job = "1074d7d8-50a7-5956-bb1c-591645a35aff";
const std::string k_pipeline = "106114bd-6f37-5c30-8fa2-d4b5bfb60cf7";
const std::string k_token = "0dc73dc3ff39b49a";

QueryParams query(std::string_view text) {
    auto q = QueryParams::parse(text);
    if (!q) throw std::runtime_error("bad query in test: " + std::string(text));
    return *q;
}

// Classifies and asserts nothing matched; returns the refusal's text.
std::string refusal(const json& body, const QueryParams& q = {}) {
    Classified c = classify(body, q);
    EXPECT_FALSE(c.message.has_value()) << body.dump();
    EXPECT_EQ(c.error.kind, ErrorKind::invalid) << body.dump();
    EXPECT_FALSE(c.error.message.empty()) << body.dump();
    return c.error.message;
}

json agave_body(const std::string& status) {
    return {{"owner", "sd2eadm"},
            {"appId", "tacobot-0.1.0"},
            {"executionSystem", "hpc.tacc"},
            {"archivePath", "/archive/jobs/1"},
            {"archiveSystem", "data-sd2e-community"},
            {"status", status},
            {"inputs", {{"reads", "agave://x/y"}}},
            {"parameters", {{"threads", 4}}},
            {"_links", {{"self", {{"href", "https://api/jobs/1"}}}}},
            {"retries", 0},
            {"localId", "12345"},
            {"id", "job-7"}};
}

// --- parse_body -------------------------------------------------------------------------------

std::string nested(int levels, char open, char close) {
    std::string s;
    for (int i = 0; i < levels; ++i)
        s += open == '{' ? std::string("{\"a\":") : std::string(1, open);
    s += open == '{' ? "null" : "";
    for (int i = 0; i < levels; ++i)
        s.push_back(close);
    return s;
}

TEST(Message, ParseBodyAcceptsAnObject) {
    ParsedBody p = parse_body(R"( {"uuid": "x", "n": [1, 2]} )");
    ASSERT_TRUE(p.value) << p.error;
    EXPECT_EQ((*p.value)["n"][1], 2);
    EXPECT_TRUE(p.error.empty());
}

TEST(Message, ParseBodyUnwrapsAMessageMemberOnce) {
    // The Tapis bindings' JSONMessage: {"message": <the message>}, an object or its text.
    ParsedBody object = parse_body(R"({"message": {"uuid": "x", "name": "run"}})");
    ASSERT_TRUE(object.value) << object.error;
    EXPECT_EQ(*object.value, json({{"uuid", "x"}, {"name", "run"}}));
    ParsedBody text = parse_body(R"({"message": "{\"uuid\": \"x\"}"})");
    ASSERT_TRUE(text.value) << text.error;
    EXPECT_EQ(*text.value, json({{"uuid", "x"}}));
    // Once only, and only a lone member holding an object.
    ParsedBody twice = parse_body(R"({"message": {"message": {"uuid": "x"}}})");
    EXPECT_EQ(*twice.value, json({{"message", {{"uuid", "x"}}}}));
    for (const char* kept : {R"({"message": "hello"})", R"({"message": [1]})",
                             R"({"message": {"a": 1}, "uuid": "x"})", R"({"message": "[1]"})"}) {
        ParsedBody p = parse_body(kept);
        ASSERT_TRUE(p.value) << kept;
        EXPECT_TRUE(p.value->contains("message")) << kept << " is left as it is";
    }
    ParsedBody bad = parse_body(R"({"message": "{\"a\": 1, \"a\": 2}"})");
    ASSERT_TRUE(bad.value) << "malformed inner text: the body stays as it was, refused later";
    EXPECT_TRUE(bad.value->contains("message"));
}

TEST(Message, ParseBodyRefusesEmptyAndWhitespace) {
    for (std::string_view text : {"", " ", "\n", " \t\r\n "}) {
        ParsedBody p = parse_body(text);
        EXPECT_FALSE(p.value) << "[" << text << "]";
        EXPECT_NE(p.error.find("empty"), std::string::npos) << p.error;
    }
}

TEST(Message, ParseBodyRefusesInvalidJson) {
    for (std::string_view text : {"{", "{\"a\":}", "{'a': 1}", "[1,]", "{\"a\":1} x", "nul",
                                  "{\"a\":1,}", "\"unterminated"}) {
        ParsedBody p = parse_body(text);
        EXPECT_FALSE(p.value) << text;
        EXPECT_NE(p.error.find("invalid JSON"), std::string::npos) << text << ": " << p.error;
    }
}

TEST(Message, ParseBodyRefusesInvalidUtf8) {
    // A lone continuation byte, a truncated sequence, an overlong '/', and a UTF-16 surrogate
    // encoded directly in UTF-8.
    const std::vector<std::string> bad = {"{\"a\":\"\x80\"}", "{\"a\":\"\xc3\"}",
                                          "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
                                          "{\"\xff\":1}"};
    for (std::size_t i = 0; i < bad.size(); ++i) {
        ParsedBody p = parse_body(bad[i]);
        EXPECT_FALSE(p.value) << "case " << i;
        EXPECT_FALSE(p.error.empty()) << "case " << i;
    }
    // Valid multi-byte UTF-8 is fine.
    ParsedBody ok = parse_body("{\"a\":\"caf\u00e9 \U0001F600\"}");
    EXPECT_TRUE(ok.value) << ok.error;
}

TEST(Message, ParseBodyNestingLimitArrays) {
    ASSERT_EQ(k_max_json_depth, 64);
    ParsedBody at_limit = parse_body(nested(64, '[', ']'));
    EXPECT_TRUE(at_limit.value) << at_limit.error;
    ParsedBody over = parse_body(nested(65, '[', ']'));
    EXPECT_FALSE(over.value);
    EXPECT_NE(over.error.find("64"), std::string::npos) << over.error;
}

TEST(Message, ParseBodyNestingLimitObjects) {
    ParsedBody at_limit = parse_body(nested(64, '{', '}'));
    EXPECT_TRUE(at_limit.value) << at_limit.error;
    ParsedBody over = parse_body(nested(65, '{', '}'));
    EXPECT_FALSE(over.value);
    EXPECT_NE(over.error.find("64"), std::string::npos) << over.error;
}

TEST(Message, ParseBodyNestingLimitMixed) {
    // 32 objects around 32 arrays is 64 levels; one more array is 65.
    std::string head, tail;
    for (int i = 0; i < 32; ++i)
        head += "{\"k\":", tail += "}";
    std::string inner64 = head + std::string(32, '[') + std::string(32, ']') + tail;
    std::string inner65 = head + std::string(33, '[') + std::string(33, ']') + tail;
    EXPECT_TRUE(parse_body(inner64).value);
    EXPECT_FALSE(parse_body(inner65).value);
    // Siblings do not add up: many shallow arrays side by side are fine.
    std::string wide = "[";
    for (int i = 0; i < 200; ++i)
        wide += (i ? ",[[1]]" : "[[1]]");
    wide += "]";
    EXPECT_TRUE(parse_body(wide).value);
}

TEST(Message, ParseBodyBracketsInsideStringsDoNotCount) {
    std::string many(200, '[');
    ParsedBody p = parse_body("{\"a\":\"" + many + "\",\"b\":\"" + std::string(200, '{') + "\"}");
    ASSERT_TRUE(p.value) << p.error;
    EXPECT_EQ((*p.value)["a"], many);
    // An escaped quote does not end the string early.
    ParsedBody q = parse_body("{\"a\":\"\\\"" + many + "\"}");
    ASSERT_TRUE(q.value) << q.error;
    EXPECT_EQ((*q.value)["a"], "\"" + many);
    // An escaped backslash before the closing quote does end it: the brackets after it count.
    std::string deep = "[\"\\\\\"," + nested(64, '[', ']') + "]";
    EXPECT_FALSE(parse_body(deep).value);
}

// Found by fuzzing (tests/fuzz/corpus/fuzz_handler/create_float_edges): nlohmann throws
// out_of_range, not parse_error, for a number a double cannot hold, and it escaped parse_body.
TEST(Message, ParseBodyRefusesNumbersBeyondADouble) {
    for (const char* text : {R"({"data":{"g":1e400}})", R"({"n":-1e400})", "[1.5e309]",
                             R"({"a":17976931348623159e292})"}) {
        ParsedBody p = parse_body(text);
        EXPECT_FALSE(p.value) << text;
        EXPECT_NE(p.error.find("invalid JSON: number overflow"), std::string::npos) << p.error;
        EXPECT_NE(p.error.find("send it as a string"), std::string::npos) << p.error;
    }
    // The largest double, and an underflow to zero, are numbers like any other.
    ParsedBody max = parse_body(R"({"b":1.7976931348623157e308,"u":1e-400})");
    ASSERT_TRUE(max.value) << max.error;
    EXPECT_EQ((*max.value)["u"].get<double>(), 0.0);
}

// --- classify: accepted kinds ------------------------------------------------------------------

TEST(Message, ClassifiesEvent) {
    json body = {{"uuid", k_job}, {"name", "finish"}, {"data", {{"k", "v"}}}, {"token", k_token}};
    Classified c = classify(body, {});
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::event);
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.uuid, k_job);
    EXPECT_EQ(e.event, Event::finish);
    EXPECT_EQ(e.data, json({{"k", "v"}}));
    EXPECT_EQ(e.token, k_token);
}

TEST(Message, EventWithoutDataOrTokenHasEmptyDataAndNoToken) {
    Classified c = classify({{"uuid", k_job}, {"name", "run"}}, {});
    ASSERT_TRUE(c.message) << c.error.message;
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.event, Event::run);
    EXPECT_EQ(e.data, json::object());
    EXPECT_FALSE(e.token.has_value());
}

TEST(Message, EventTakesTokenFromQueryWhenBodyLacksIt) {
    Classified c = classify({{"uuid", k_job}, {"name", "run"}}, query("token=" + k_token));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::event);
    EXPECT_EQ(std::get<EventMessage>(c.message->body).token, k_token);
    // The same token in both places reads one way; two different ones are refused, unshown.
    Classified same =
        classify({{"uuid", k_job}, {"name", "run"}, {"token", k_token}}, query("token=" + k_token));
    ASSERT_TRUE(same.message) << same.error.message;
    Classified both = classify({{"uuid", k_job}, {"name", "run"}, {"token", k_token}},
                               query("token=ffffffffffffffff"));
    ASSERT_FALSE(both.message);
    EXPECT_EQ(both.error.kind, ErrorKind::invalid);
    EXPECT_NE(both.error.message.find("the body's 'token' and the URL parameter token differ"),
              std::string::npos)
        << both.error.message;
    EXPECT_EQ(both.error.message.find("ffffffffffffffff"), std::string::npos);
}

TEST(Message, WhatReadsTwoWaysIsRefused) {
    auto refusal = [](const json& body, const std::string& q) {
        Classified c = classify(body, query(q));
        EXPECT_FALSE(c.message) << q;
        return c.error.message;
    };
    EXPECT_NE(refusal(json::object(), "uuid=" + k_job + "&name=update&event=fail&token=" + k_token)
                  .find("the URL parameters name and event differ ('update' and 'fail')"),
              std::string::npos);
    EXPECT_NE(
        refusal({{"uuid", k_job}, {"name", "run"}}, "uuid=107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee")
            .find("the body's 'uuid' and the URL parameter uuid differ"),
        std::string::npos);
    EXPECT_NE(refusal({{"uuid", k_job}, {"name", "run"}}, "event=fail")
                  .find("the body's 'name' and the URL parameter event differ ('run' and 'fail')"),
              std::string::npos);
    // One name given the same way twice reads one way.
    Classified same =
        classify(json::object(), query("uuid=" + k_job + "&name=run&event=run&token=" + k_token));
    EXPECT_TRUE(same.message) << same.error.message;
}

TEST(Message, EveryEventNameButCreateIsAccepted) {
    for (Event ev : all_events()) {
        json body = {{"uuid", k_job}, {"name", std::string(to_string(ev))}};
        Classified c = classify(body, {});
        if (ev == Event::create) {
            EXPECT_FALSE(c.message);
            continue;
        }
        ASSERT_TRUE(c.message) << to_string(ev) << ": " << c.error.message;
        EXPECT_EQ(std::get<EventMessage>(c.message->body).event, ev);
    }
}

TEST(Message, ClassifiesDeleteAction) {
    Classified c =
        classify({{"uuid", k_job}, {"action", "delete"}, {"force", true}, {"token", k_token}}, {});
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::delete_action);
    const auto& d = std::get<DeleteAction>(c.message->body);
    EXPECT_EQ(d.uuid, k_job);
    EXPECT_TRUE(d.force);
    EXPECT_EQ(d.token, k_token);

    Classified soft = classify({{"uuid", k_job}, {"action", "delete"}}, query("token=" + k_token));
    ASSERT_TRUE(soft.message) << soft.error.message;
    const auto& s = std::get<DeleteAction>(soft.message->body);
    EXPECT_FALSE(s.force);
    EXPECT_EQ(s.token, k_token);
}

TEST(Message, ClassifiesCreateAction) {
    json body = {{"pipeline_uuid", k_pipeline},
                 {"archive_path", "/products/v2/run1"},
                 {"archive_system", "data-sd2e-community"},
                 {"data", {{"sample", "s1"}, {"n", 3}}},
                 {"session", "sess-42"}};
    Classified c = classify(body, {});
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::create_action);
    const auto& a = std::get<CreateAction>(c.message->body);
    EXPECT_EQ(a.pipeline_uuid, k_pipeline);
    EXPECT_EQ(a.archive_path, "/products/v2/run1");
    EXPECT_EQ(a.archive_system, "data-sd2e-community");
    EXPECT_EQ(a.data, json({{"sample", "s1"}, {"n", 3}}));
    EXPECT_EQ(a.session, "sess-42");

    Classified minimal = classify(
        {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}, {"data", json::object()}}, {});
    ASSERT_TRUE(minimal.message) << minimal.error.message;
    const auto& m = std::get<CreateAction>(minimal.message->body);
    EXPECT_FALSE(m.archive_system.has_value());
    EXPECT_FALSE(m.session.has_value());
}

TEST(Message, ClassifiesUrlParameterForm) {
    json body = {{"arbitrary", "key value data"}};
    Classified c = classify(body, query("uuid=" + k_job + "&name=finish&token=" + k_token));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::url_params);
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.uuid, k_job);
    EXPECT_EQ(e.event, Event::finish);
    EXPECT_EQ(e.data, body);
    EXPECT_EQ(e.token, k_token);
}

TEST(Message, UrlParameterFormAcceptsEventAlias) {
    Classified c = classify(json::object(), query("?uuid=" + k_job + "&event=index"));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::url_params);
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.event, Event::index);
    EXPECT_EQ(e.data, json::object());
    EXPECT_FALSE(e.token.has_value());
    // Both spellings with different events read two ways: refused (WhatReadsTwoWaysIsRefused).
    Classified both = classify(json::object(), query("uuid=" + k_job + "&event=index&name=run"));
    EXPECT_FALSE(both.message);
}

// Found by fuzzing (tests/fuzz/corpus/fuzz_handler/regression_url_token_not_utf8): a URL
// token that is not UTF-8 reached the schema validator, which read out of bounds on it.
TEST(Message, UrlParametersThatAreNotUtf8AreRefused) {
    std::string bad = "%DD"; // a lead byte, then 40 continuation bytes
    for (int i = 0; i < 40; ++i)
        bad += "%9C";
    std::string u = refusal(json::object(), query("uuid=" + k_job + "&name=run&token=" + bad));
    EXPECT_NE(u.find("URL parameter token: not valid UTF-8 text"), std::string::npos) << u;
    // The token of an event body whose own has none.
    std::string e = refusal(json{{"uuid", k_job}, {"name", "run"}}, query("token=" + bad));
    EXPECT_NE(e.find("/token: not valid UTF-8 text"), std::string::npos) << e;
    // And of an Agave callback.
    std::string a = refusal(agave_body("RUNNING"), query("uuid=" + k_job + "&token=" + bad));
    EXPECT_NE(a.find("not valid UTF-8 text"), std::string::npos) << a;
}

TEST(Message, UrlParameterFormRefusals) {
    json data = {{"a", 1}};
    // Body must be an object.
    std::string not_object = refusal(json::array({1, 2}), query("uuid=" + k_job + "&name=run"));
    EXPECT_NE(not_object.find("object"), std::string::npos) << not_object;
    refusal(json("text"), query("uuid=" + k_job + "&name=run"));
    // Missing uuid or name, bad uuid, unknown or 'create' name, wrong token lengths.
    refusal(data, query("name=run"));
    refusal(data, query("uuid=" + k_job));
    refusal(data, query("uuid=" + k_pipeline + "&name=run"));
    refusal(data, query("uuid=" + k_job + "&name=create"));
    refusal(data, query("uuid=" + k_job + "&event=bogus"));
    refusal(data, query("uuid=" + k_job + "&name=run&token=0dc73dc3ff39b49"));
    refusal(data, query("uuid=" + k_job + "&name=run&token=0dc73dc3ff39b49a00"));
}

struct AgaveCase {
    const char* status;
    Event event;
};

TEST(Message, AgaveCallbackEveryStatus) {
    // The table in docs/protocol.md#agave-callbacks, written out again here.
    const std::vector<AgaveCase> cases = {
        {"CREATED", Event::resource},
        {"PERMISSION_GRANT", Event::resource},
        {"PERMISSION_REVOKE", Event::resource},
        {"PENDING", Event::resource},
        {"STAGING_INPUTS", Event::resource},
        {"CLEANING_UP", Event::resource},
        {"ARCHIVING", Event::resource},
        {"STAGING_JOB", Event::resource},
        {"PAUSED", Event::resource},
        {"QUEUED", Event::resource},
        {"SUBMITTING", Event::resource},
        {"STAGED", Event::resource},
        {"PROCESSING_INPUTS", Event::resource},
        {"ARCHIVING_FINISHED", Event::resource},
        {"RUNNING", Event::run},
        {"FINISHED", Event::finish},
        {"FAILED", Event::fail},
        {"STOPPED", Event::fail},
        {"DELETED", Event::fail},
        {"ARCHIVING_FAILED", Event::fail},
        {"KILLED", Event::update},
        {"HEARTBEAT", Event::update},
        {"UPDATED", Event::update},
        // Case does not matter; unknown statuses annotate.
        {"running", Event::run},
        {"Archiving_Failed", Event::fail},
        {"staging_inputs", Event::resource},
        {"finished", Event::finish},
        {"BLASTED_OFF", Event::update},
    };
    QueryParams q = query("uuid=" + k_job + "&token=" + k_token);
    for (const auto& c : cases) {
        EXPECT_EQ(event_for_agave_status(c.status), c.event) << c.status;
        json body = agave_body(c.status);
        Classified got = classify(body, q);
        ASSERT_TRUE(got.message) << c.status << ": " << got.error.message;
        EXPECT_EQ(got.message->kind, MessageKind::agave_callback) << c.status;
        ASSERT_TRUE(got.message->callback);
        EXPECT_EQ(got.message->callback->status, c.status);
        const auto& e = std::get<EventMessage>(got.message->body);
        EXPECT_EQ(e.uuid, k_job);
        EXPECT_EQ(e.event, c.event) << c.status;
        EXPECT_EQ(e.token, k_token);
        json expected = body;
        expected.erase("_links");
        expected.erase("retries");
        expected.erase("localId");
        EXPECT_EQ(e.data, expected) << c.status;
        EXPECT_FALSE(e.data.contains("_links"));
        EXPECT_FALSE(e.data.contains("retries"));
        EXPECT_FALSE(e.data.contains("localId"));
        EXPECT_EQ(e.data["status"], c.status);
        EXPECT_EQ(e.data["id"], "job-7");
    }
}

TEST(Message, AgaveCallbackWithoutOptionalDroppedFields) {
    json body = agave_body("QUEUED");
    body.erase("retries");
    body.erase("localId");
    Classified c = classify(body, query("uuid=" + k_job));
    ASSERT_TRUE(c.message) << c.error.message;
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.event, Event::resource);
    EXPECT_FALSE(e.token.has_value());
    EXPECT_FALSE(e.data.contains("_links"));
    EXPECT_EQ(e.data["appId"], "tacobot-0.1.0");
}

TEST(Message, AgaveCallbackRefusals) {
    // Without the job's uuid in the query there is nothing to apply the status to.
    std::string no_uuid = refusal(agave_body("RUNNING"), query("token=" + k_token));
    EXPECT_NE(no_uuid.find("URL parameters: "), std::string::npos) << no_uuid;
    EXPECT_NE(no_uuid.find("'uuid'"), std::string::npos) << no_uuid;
    EXPECT_EQ(no_uuid.find("URL parameter :"), std::string::npos) << no_uuid;
    // A reason about one parameter names it.
    std::string bad_token =
        refusal(agave_body("RUNNING"), query("uuid=" + k_job + "&token=0dc73dc3ff39b49"));
    EXPECT_NE(bad_token.find("URL parameter token: "), std::string::npos) << bad_token;
    refusal(agave_body("RUNNING"), {});
    // A uuid of the wrong type, or a token of the wrong length, in the query.
    refusal(agave_body("RUNNING"), query("uuid=" + k_pipeline));
    // A missing required field, an empty status, a wrong type.
    QueryParams q = query("uuid=" + k_job);
    for (const char* field : {"owner", "appId", "executionSystem", "archivePath", "archiveSystem",
                              "status", "inputs", "parameters", "_links"}) {
        json body = agave_body("RUNNING");
        body.erase(field);
        std::string why = refusal(body, q);
        EXPECT_NE(why.find(field), std::string::npos) << field << ": " << why;
    }
    json empty_status = agave_body("");
    refusal(empty_status, q);
    json status_number = agave_body("RUNNING");
    status_number["status"] = 5;
    refusal(status_number, q);
    json inputs_list = agave_body("RUNNING");
    inputs_list["inputs"] = json::array();
    refusal(inputs_list, q);
}

// --- classify: refused messages ---------------------------------------------------------------

TEST(Message, NonObjectsAreRefused) {
    for (const json& body : {json::array(), json(1), json("x"), json(nullptr), json(true)}) {
        std::string why = refusal(body);
        EXPECT_NE(why.find("JSON object"), std::string::npos) << why;
    }
}

TEST(Message, EventRefusals) {
    json good = {{"uuid", k_job}, {"name", "run"}, {"token", k_token}, {"data", json::object()}};
    ASSERT_TRUE(classify(good, {}).message);

    json missing_uuid = good;
    missing_uuid.erase("uuid");
    EXPECT_NE(refusal(missing_uuid).find("uuid"), std::string::npos);

    json uuid_number = good;
    uuid_number["uuid"] = 107;
    refusal(uuid_number);

    json data_list = good;
    data_list["data"] = json::array({1});
    EXPECT_NE(refusal(data_list).find("data"), std::string::npos);

    json data_string = good;
    data_string["data"] = "{}";
    refusal(data_string);

    json extra = good;
    extra["colour"] = "blue";
    EXPECT_NE(refusal(extra).find("colour"), std::string::npos);

    for (const char* bad_uuid :
         {"1064d7d8-50a7-5956-bb1c-591645a35aff", // pipeline prefix
          "1074D7D8-50A7-5956-BB1C-591645A35AFF", // upper case
          "1074d7d8-50a7-5956-bb1c-591645a35af",  // too short
          "1074d7d8-50a7-5956-bb1c-591645a35affx", "1074d7d850a75956bb1c591645a35aff", ""}) {
        json b = good;
        b["uuid"] = bad_uuid;
        refusal(b);
    }

    json short_token = good;
    short_token["token"] = "0dc73dc3ff39b49"; // 15
    EXPECT_NE(refusal(short_token).find("token"), std::string::npos);
    json long_token = good;
    long_token["token"] = "0dc73dc3ff39b49a00"; // 18
    EXPECT_NE(refusal(long_token).find("token"), std::string::npos);
    json token_17 = good;
    token_17["token"] = "0dc73dc3ff39b49a0"; // 17 is allowed
    EXPECT_TRUE(classify(token_17, {}).message);
    json token_number = good;
    token_number["token"] = 1234567890123456;
    refusal(token_number);

    json upper_name = good;
    upper_name["name"] = "RUN";
    refusal(upper_name);
    json name_number = good;
    name_number["name"] = 1;
    refusal(name_number);
}

TEST(Message, CreateIsNotAnEvent) {
    std::string why = refusal({{"uuid", k_job}, {"name", "create"}});
    EXPECT_NE(why.find("'create' is not an event"), std::string::npos) << why;
}

TEST(Message, MisspeltEventNameGetsASuggestion) {
    std::string why = refusal({{"uuid", k_job}, {"name", "finsh"}, {"token", k_token}});
    EXPECT_NE(why.find("unknown event 'finsh'"), std::string::npos) << why;
    EXPECT_NE(why.find("did you mean 'finish'"), std::string::npos) << why;
    std::string far = refusal({{"uuid", k_job}, {"name", "xylophone"}});
    EXPECT_NE(far.find("unknown event 'xylophone'"), std::string::npos) << far;
    EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
}

TEST(Message, DeleteRefusals) {
    json good = {{"uuid", k_job}, {"action", "delete"}, {"force", false}, {"token", k_token}};
    ASSERT_TRUE(classify(good, {}).message);

    json missing_action = good;
    missing_action.erase("action");
    refusal(missing_action);
    json missing_uuid = good;
    missing_uuid.erase("uuid");
    EXPECT_NE(refusal(missing_uuid).find("uuid"), std::string::npos);
    json other_action = good;
    other_action["action"] = "purge";
    refusal(other_action);
    json force_string = good;
    force_string["force"] = "true";
    EXPECT_NE(refusal(force_string).find("force"), std::string::npos);
    json force_number = good;
    force_number["force"] = 1;
    refusal(force_number);
    json extra = good;
    extra["reason"] = "cleanup";
    EXPECT_NE(refusal(extra).find("reason"), std::string::npos);
    json bad_uuid = good;
    bad_uuid["uuid"] = "1084d7d8-50a7-5956-bb1c-591645a35aff";
    refusal(bad_uuid);
    json short_token = good;
    short_token["token"] = "0dc73dc3ff39b49";
    refusal(short_token);
    json long_token = good;
    long_token["token"] = "0dc73dc3ff39b49a00";
    refusal(long_token);
}

TEST(Message, CreateRefusals) {
    json good = {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}, {"data", json::object()}};
    ASSERT_TRUE(classify(good, {}).message);

    for (const char* field : {"pipeline_uuid", "archive_path", "data"}) {
        json b = good;
        b.erase(field);
        std::string why = refusal(b);
        EXPECT_NE(why.find(field), std::string::npos) << field << ": " << why;
    }
    json job_uuid_as_pipeline = good;
    job_uuid_as_pipeline["pipeline_uuid"] = k_job;
    refusal(job_uuid_as_pipeline);
    json empty_path = good;
    empty_path["archive_path"] = "";
    refusal(empty_path);
    json empty_system = good;
    empty_system["archive_system"] = "";
    refusal(empty_system);
    json data_list = good;
    data_list["data"] = json::array();
    refusal(data_list);
    json session_number = good;
    session_number["session"] = 42;
    refusal(session_number);
    json extra = good;
    extra["uuid"] = k_job;
    refusal(extra);
    json with_token = good;
    with_token["token"] = k_token;
    refusal(with_token);
}

TEST(Message, RefusalLeadsWithTheLikelyKind) {
    std::string del = refusal({{"uuid", k_job}, {"action", "delete"}, {"force", "yes"}});
    EXPECT_EQ(del.rfind("not a valid PipelineJobDeleteAction", 0), 0u) << del;
    std::string cre = refusal({{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}});
    EXPECT_EQ(cre.rfind("not a valid PipelineJobCreateAction", 0), 0u) << cre;
    std::string ev = refusal({{"uuid", k_job}, {"name", "bogus"}});
    EXPECT_EQ(ev.rfind("not a valid PipelineJobEvent", 0), 0u) << ev;
}

TEST(Message, KindNames) {
    EXPECT_EQ(to_string(MessageKind::event), "PipelineJobEvent");
    EXPECT_EQ(to_string(MessageKind::delete_action), "PipelineJobDeleteAction");
    EXPECT_EQ(to_string(MessageKind::create_action), "PipelineJobCreateAction");
    EXPECT_EQ(to_string(MessageKind::agave_callback), "AgaveJobsPost");
    EXPECT_EQ(schema_name(MessageKind::event), "event");
    EXPECT_EQ(schema_name(MessageKind::delete_action), "delete");
    EXPECT_EQ(schema_name(MessageKind::create_action), "create");
    EXPECT_EQ(schema_name(MessageKind::agave_callback), "agave");
    EXPECT_EQ(schema_name(MessageKind::url_params), "urlparams");
}

} // namespace
} // namespace pjm::core

namespace pjm::core {
namespace {

TEST(MessageLimits, NulByteIsRefusedWherever) {
    std::string body = R"({"uuid": "1074d7d8-50a7-5956-bb1c-591645a35aff", "name": "run"})";
    std::string trailing = body + std::string(1, '\0') + R"({"junk": )";
    ParsedBody p = parse_body(trailing);
    EXPECT_FALSE(p.value);
    EXPECT_NE(p.error.find("NUL"), std::string::npos) << p.error;
    std::string inside = R"({"a": "x)" + std::string(1, '\0') + R"(y"})";
    EXPECT_FALSE(parse_body(inside).value);
}

TEST(MessageLimits, IntegersMustFitIn64Bits) {
    EXPECT_TRUE(parse_body(R"({"a": 18446744073709551615, "b": -9223372036854775808})").value);
    ParsedBody big = parse_body(R"({"a": 18446744073709551616})");
    EXPECT_FALSE(big.value);
    EXPECT_NE(big.error.find("18446744073709551616"), std::string::npos) << big.error;
    EXPECT_FALSE(parse_body(R"({"a": [1, -9223372036854775809]})").value);
    // Floats and digits inside strings are not integers.
    EXPECT_TRUE(
        parse_body(R"({"a": 1.8446744073709552e19, "s": "99999999999999999999999"})").value);
}

TEST(MessageLimits, ParserMessagesArePrintable) {
    ParsedBody p = parse_body("{\"a\": \"\xff\"}");
    ASSERT_FALSE(p.value);
    EXPECT_EQ(p.error.find('\xff'), std::string::npos) << "raw byte echoed";
    EXPECT_NE(p.error.find("\\xff"), std::string::npos) << p.error;
}

TEST(MessageLimits, UrlTokenIsValidatedWithTheMessage) {
    json body = {{"uuid", k_job}, {"name", "run"}};
    auto bad = QueryParams::parse("token=abc");
    EXPECT_FALSE(classify(body, *bad).message) << "a 3-character token is an invalid message";
    auto good = QueryParams::parse("token=" + k_token);
    Classified c = classify(body, *good);
    ASSERT_TRUE(c.message);
    EXPECT_EQ(std::get<EventMessage>(c.message->body).token, k_token);
}

// A key given twice would be read two ways (the parser keeps the last, others the first).
TEST(MessageLimits, DuplicateKeysAreRefused) {
    ParsedBody top = parse_body(R"({"name": "finalize", "uuid": "x", "name": "update"})");
    EXPECT_FALSE(top.value);
    EXPECT_NE(top.error.find("the key 'name' appears twice"), std::string::npos) << top.error;
    EXPECT_FALSE(parse_body(R"({"data": {"x": [{"a": 1, "b": 2, "a": 3}]}})").value);
    // The same key in different objects, or in an object and its parent, is no duplicate.
    EXPECT_TRUE(parse_body(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})").value);
}

// The parser quotes the string it stopped in; a token there is never shown.
TEST(MessageLimits, ParserMessagesHideTheStringSoFar) {
    ParsedBody cut = parse_body("{\"uuid\": \"" + k_job + "\", \"token\": \"" + k_token);
    ASSERT_FALSE(cut.value);
    EXPECT_EQ(cut.error.find(k_token), std::string::npos) << cut.error;
    EXPECT_NE(cut.error.find("missing closing quote"), std::string::npos) << cut.error;
    ParsedBody bad = parse_body("{\"token\": \"" + k_token + "\xff\"}");
    ASSERT_FALSE(bad.value);
    EXPECT_EQ(bad.error.find(k_token), std::string::npos) << bad.error;
    EXPECT_NE(bad.error.find("\\xff"), std::string::npos)
        << "the byte it stopped at: " << bad.error;
    // Outside strings the text read is kept: it says what was wrong.
    ParsedBody literal = parse_body("[tru]");
    EXPECT_NE(literal.error.find("last read: '"), std::string::npos) << literal.error;
}

// A message's own URL parameters given twice could be read two ways: refused.
TEST(Message, RepeatedUrlParametersAreRefused) {
    for (std::string key : {"uuid", "name", "event", "token"}) {
        std::string q = "uuid=" + k_job + "&name=update&token=" + k_token;
        std::string text = refusal(json::object(), query(q + "&" + key + "=x&" + key + "=x"));
        EXPECT_NE(text.find("URL parameter " + key + " is given "), std::string::npos) << text;
    }
    // Also for a JSON body, whose token may come from the URL.
    json body = {{"uuid", k_job}, {"name", "run"}};
    EXPECT_FALSE(classify(body, query("token=" + k_token + "&token=" + k_token)).message);
    // Parameters that are not the message's may repeat.
    EXPECT_TRUE(classify(body, query("token=" + k_token + "&x=1&x=2")).message);
}

TEST(MessageResult, RedactTokens) {
    EXPECT_EQ(redact_tokens(R"({"uuid": "u", "token" : "0dc73dc3ff39b49a", "n": 1})"),
              R"({"uuid": "u", "token" : "<redacted>", "n": 1})");
    EXPECT_EQ(redact_tokens(R"({"token": "a\"b", "x": "token"})"),
              R"({"token": "<redacted>", "x": "token"})");
    EXPECT_EQ(redact_tokens(R"({"token": "abc)"), R"({"token": "<redacted>)");
    EXPECT_EQ(redact_tokens("uuid=u&token=0dc73dc3ff39b49a&x=1"), "uuid=u&token=<redacted>&x=1");
    EXPECT_EQ(redact_tokens("mytoken=keep"), "mytoken=keep");
    // Known values, however the key was spelt.
    EXPECT_EQ(redact_tokens(R"({"tok\u0065n": "0dc73dc3ff39b49a"})", {k_token}),
              R"({"tok\u0065n": "<redacted>"})");
    EXPECT_EQ(redact_tokens("not json at all"), "not json at all");
}

} // namespace
} // namespace pjm::core

// --- Tapis v3 job notifications (docs/protocol.md#tapis-v3-job-notifications) -----------------

namespace pjm::core {
namespace {

json fixture(const std::string& name) {
    std::ifstream in(std::string(PJM_FIXTURES_DIR) + "/tapis_v3/" + name + ".json");
    return json::parse(in);
}

TEST(TapisNotification, TheDocumentedFinishedNotificationIsAFinish) {
    json body = fixture("finished");
    Classified c = classify(body, query("uuid=" + k_job + "&token=" + k_token + "&x-nonce=n"));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(c.message->kind, MessageKind::tapis_notification);
    EXPECT_TRUE(is_callback(c.message->kind));
    ASSERT_TRUE(c.message->callback);
    EXPECT_EQ(c.message->callback->sender, "Tapis v3");
    EXPECT_EQ(c.message->callback->status, "FINISHED");
    EXPECT_EQ(c.message->callback->dedupe_key, "tapis:1d16202d-2248-4690-bcc9-a0134a4089cd");
    const auto& e = std::get<EventMessage>(c.message->body);
    EXPECT_EQ(e.uuid, k_job) << "the URL names the pjm job, not the notification's uuid";
    EXPECT_EQ(e.token, k_token);
    EXPECT_EQ(e.event, Event::finish);
    // event.data, JSON text, is kept as the object it holds, with the notification's facts.
    EXPECT_EQ(e.data.at("jobUuid"), "ef9004c3-09d5-41d5-acd3-be7c9fd3daf6-007");
    EXPECT_EQ(e.data.at("remoteOutcome"), "FINISHED");
    EXPECT_EQ(e.data.at("remoteResultInfo"), "0");
    EXPECT_EQ(e.data.at("oldJobStatus"), "ARCHIVING");
    const json& n = e.data.at("notification");
    EXPECT_EQ(n.at("eventType"), "jobs.JOB_NEW_STATUS.FINISHED");
    EXPECT_EQ(n.at("eventUuid"), "1d16202d-2248-4690-bcc9-a0134a4089cd");
    EXPECT_EQ(n.at("timestamp"), "2023-09-15T15:11:23.947827477Z");
    EXPECT_EQ(n.at("tenant"), "dev");
    // The delivery target (whose URL holds the job token) is not kept.
    EXPECT_EQ(e.data.dump().find("deliveryAddress"), std::string::npos);
}

TEST(TapisNotification, StatusTableAndOtherCategories) {
    struct Case {
        const char* fixture;
        Event event;
    };
    for (auto [name, event] :
         {Case{"queued", Event::resource}, Case{"running", Event::run}, Case{"failed", Event::fail},
          Case{"cancelled", Event::fail}, Case{"error_message", Event::update}}) {
        Classified c = classify(fixture(name), query("uuid=" + k_job + "&token=" + k_token));
        ASSERT_TRUE(c.message) << name << ": " << c.error.message;
        EXPECT_EQ(std::get<EventMessage>(c.message->body).event, event) << name;
    }
    for (const char* s : {"PENDING", "PROCESSING_INPUTS", "STAGING_INPUTS", "STAGING_JOB",
                          "SUBMITTING_JOB", "QUEUED", "ARCHIVING", "BLOCKED", "PAUSED"})
        EXPECT_EQ(event_for_tapis_status(s), Event::resource) << s;
    EXPECT_EQ(event_for_tapis_status("running"), Event::run);
    EXPECT_EQ(event_for_tapis_status("FINISHED"), Event::finish);
    EXPECT_EQ(event_for_tapis_status("CANCELLED"), Event::fail);
    EXPECT_EQ(event_for_tapis_status("SOMETHING_NEW"), Event::update);
}

TEST(TapisNotification, OddDataIsKeptAsItCame) {
    json body = fixture("running");
    body["event"]["data"] = "not json {";
    Classified c = classify(body, query("uuid=" + k_job + "&token=" + k_token));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_EQ(std::get<EventMessage>(c.message->body).data.at("data"), "not json {");
    body["event"]["data"] = nullptr;
    c = classify(body, query("uuid=" + k_job + "&token=" + k_token));
    ASSERT_TRUE(c.message) << c.error.message;
    EXPECT_TRUE(std::get<EventMessage>(c.message->body).data.contains("notification"));
}

TEST(TapisNotification, RefusalsNameWhatIsMissing) {
    json body = fixture("running");
    Classified c = classify(body, query("token=" + k_token));
    ASSERT_FALSE(c.message);
    EXPECT_NE(c.error.message.find("not a valid TapisNotification"), std::string::npos)
        << c.error.message;
    EXPECT_NE(c.error.message.find("uuid"), std::string::npos) << c.error.message;
    body["event"].erase("uuid");
    c = classify(body, query("uuid=" + k_job + "&token=" + k_token));
    ASSERT_FALSE(c.message);
    EXPECT_NE(c.error.message.find("not a valid TapisNotification"), std::string::npos)
        << c.error.message;
    EXPECT_NE(c.error.message.find("/event"), std::string::npos) << c.error.message;
}

} // namespace
} // namespace pjm::core

// --- Nextflow weblog (docs/integrations.md#nextflow) ---------------------------------------

namespace pjm::core {
namespace {

json nextflow(const std::string& name) {
    std::ifstream in(std::string(PJM_FIXTURES_DIR) + "/nextflow/" + name + ".json");
    return json::parse(in);
}

Message nextflow_message(const std::string& fixture, const std::string& more = "") {
    Classified c = classify(nextflow(fixture), query("uuid=" + k_job + "&token=" + k_token + more));
    if (!c.message) throw std::runtime_error(fixture + ": " + c.error.message);
    return *c.message;
}

TEST(NextflowWeblog, RunEventsMapToTheLifecycle) {
    struct Case {
        const char* fixture;
        Event event;
    };
    for (auto [fixture, event] :
         {Case{"started", Event::run}, Case{"completed", Event::finish},
          Case{"completed_failed", Event::fail}, Case{"error", Event::update},
          Case{"process_failed", Event::update}, Case{"process_completed", Event::update}}) {
        Message m = nextflow_message(fixture);
        EXPECT_EQ(m.kind, MessageKind::nextflow_weblog) << fixture;
        EXPECT_TRUE(is_callback(m.kind));
        const auto& e = std::get<EventMessage>(m.body);
        EXPECT_EQ(e.event, event) << fixture;
        EXPECT_EQ(e.uuid, k_job);
        EXPECT_EQ(e.token, k_token);
        ASSERT_TRUE(m.callback);
        EXPECT_EQ(m.callback->sender, "Nextflow");
        EXPECT_EQ(e.data.at("nextflow").at("runName"), "friendly_pesquet") << fixture;
    }
}

TEST(NextflowWeblog, WhatTheHistoryKeepsOfARun) {
    Message started = nextflow_message("started");
    const json& d = std::get<EventMessage>(started.body).data;
    EXPECT_EQ(d.at("nextflow").at("utcTime"), "2026-11-30T09:00:00Z");
    EXPECT_EQ(d.at("workflow").at("commitId"), "4bcced898ee23600bd8c249ff085f8f88db90e7c");
    EXPECT_EQ(d.at("workflow").at("manifest"), (json{{"name", "lab/align"}, {"version", "2.1.0"}}));
    EXPECT_EQ(d.at("workflow").at("nextflow_version"), "23.10.1");
    EXPECT_EQ(d.at("parameters").at("genome"), "GRCh38");
    EXPECT_FALSE(d.at("workflow").contains("stats")) << "the start's empty counts are left out";

    Message failed = nextflow_message("completed_failed");
    const json& w = std::get<EventMessage>(failed.body).data.at("workflow");
    EXPECT_EQ(w.at("success"), false);
    EXPECT_EQ(w.at("exitStatus"), 137);
    EXPECT_EQ(
        w.at("tasks"),
        (json{{"succeedCount", 1}, {"cachedCount", 0}, {"failedCount", 1}, {"ignoredCount", 0}}));
    EXPECT_NE(w.at("errorMessage").get<std::string>().find("exit status (137)"), std::string::npos);
}

TEST(NextflowWeblog, ProcessEventsAreKeptAsTheUrlSays) {
    // Default (tasks=failures): a task that failed is kept, compactly; the others are not.
    Message ok = nextflow_message("process_completed");
    EXPECT_FALSE(ok.callback->keep);
    Message bad = nextflow_message("process_failed");
    EXPECT_TRUE(bad.callback->keep);
    const json& task = std::get<EventMessage>(bad.body).data.at("task");
    EXPECT_EQ(task.at("status"), "FAILED");
    EXPECT_EQ(task.at("exit"), 137);
    EXPECT_EQ(task.at("name"), "ALIGN (sample2)");
    EXPECT_FALSE(task.contains("script")) << "the script stays in the execution, not the history";
    EXPECT_FALSE(task.contains("%cpu"));
    for (const char* f : {"process_submitted", "process_started"})
        EXPECT_FALSE(nextflow_message(f).callback->keep) << f;
    EXPECT_TRUE(nextflow_message("error").callback->keep) << "an error is always kept";
    // tasks=all keeps every process event; tasks=none none of them (errors still).
    for (const char* f : {"process_submitted", "process_started", "process_completed"})
        EXPECT_TRUE(nextflow_message(f, "&tasks=all").callback->keep) << f;
    EXPECT_FALSE(nextflow_message("process_failed", "&tasks=none").callback->keep);
    EXPECT_TRUE(nextflow_message("error", "&tasks=none").callback->keep);
    // Run events are always kept.
    for (const char* f : {"started", "completed"})
        EXPECT_TRUE(nextflow_message(f, "&tasks=none").callback->keep) << f;
}

TEST(NextflowWeblog, EachEventOfARunHasItsOwnKey) {
    std::set<std::string> keys;
    for (const char* f : {"started", "process_submitted", "process_started", "process_completed",
                          "process_failed", "error", "completed"})
        keys.insert(nextflow_message(f).callback->dedupe_key);
    EXPECT_EQ(keys.size(), 7u);
    EXPECT_EQ(nextflow_message("started").callback->dedupe_key,
              "nextflow:170aa09c-105f-49d0-99b4-8eb6a146e4a7:friendly_pesquet:started");
    // A resumed run keeps the run id but not the run name: its events are new.
    json resumed = nextflow("started");
    resumed["runName"] = "silly_turing";
    Classified c = classify(resumed, query("uuid=" + k_job + "&token=" + k_token));
    ASSERT_TRUE(c.message);
    EXPECT_NE(c.message->callback->dedupe_key, nextflow_message("started").callback->dedupe_key);
}

TEST(NextflowWeblog, RefusalsSayWhatIsWrong) {
    auto q = query("uuid=" + k_job + "&token=" + k_token);
    json no_success = nextflow("completed");
    no_success["metadata"]["workflow"].erase("success");
    EXPECT_NE(refusal(no_success, q).find("says whether the run succeeded"), std::string::npos);
    json unknown = nextflow("started");
    unknown["event"] = "paused";
    EXPECT_NE(refusal(unknown, q).find("not a valid NextflowWeblog"), std::string::npos);
    EXPECT_NE(
        refusal(nextflow("started"), query("uuid=" + k_job + "&token=" + k_token + "&tasks=some"))
            .find("URL parameter tasks: 'some' is not failures"),
        std::string::npos);
    EXPECT_NE(refusal(nextflow("started"), query("token=" + k_token)).find("uuid"),
              std::string::npos);
    // A body with nothing of Nextflow's is not refused in Nextflow's name.
    EXPECT_EQ(refusal(json{{"foo", 1}}, q).find("NextflowWeblog"), std::string::npos);
}

} // namespace
} // namespace pjm::core

// --- Cromwell workflow callbacks (docs/integrations.md#cromwell) ----------------------------

namespace pjm::core {
namespace {

json cromwell(const std::string& name) {
    std::ifstream in(std::string(PJM_FIXTURES_DIR) + "/cromwell/" + name + ".json");
    return json::parse(in);
}

TEST(CromwellCallback, TerminalStatesMapToFinishOrFail) {
    struct Case {
        const char* fixture;
        Event event;
    };
    for (auto [fixture, event] : {Case{"succeeded", Event::finish}, Case{"failed", Event::fail},
                                  Case{"aborted", Event::fail}}) {
        Classified c = classify(cromwell(fixture), query("uuid=" + k_job + "&token=" + k_token));
        ASSERT_TRUE(c.message) << fixture << ": " << c.error.message;
        EXPECT_EQ(c.message->kind, MessageKind::cromwell_callback);
        EXPECT_TRUE(is_callback(c.message->kind));
        const auto& e = std::get<EventMessage>(c.message->body);
        EXPECT_EQ(e.event, event) << fixture;
        EXPECT_EQ(e.uuid, k_job);
        EXPECT_EQ(e.token, k_token);
        EXPECT_EQ(c.message->callback->sender, "Cromwell");
        EXPECT_EQ(e.data.at("cromwell").at("workflowId"), "00001111-2222-3333-4444-555566667777");
    }
    Classified ok = classify(cromwell("succeeded"), query("uuid=" + k_job + "&token=" + k_token));
    const json& d = std::get<EventMessage>(ok.message->body).data;
    EXPECT_EQ(d.at("outputs").at("align.reads_mapped"), 1893202);
    EXPECT_FALSE(d.contains("failures")) << "an empty list is left out";
    Classified bad = classify(cromwell("failed"), query("uuid=" + k_job + "&token=" + k_token));
    const json& f = std::get<EventMessage>(bad.message->body).data;
    EXPECT_NE(f.at("failures").at(0).get<std::string>().find("return code 137"), std::string::npos);
    EXPECT_FALSE(f.contains("outputs"));
    EXPECT_EQ(bad.message->callback->dedupe_key,
              "cromwell:00001111-2222-3333-4444-555566667777:FAILED");
}

TEST(CromwellCallback, RefusalsSayWhatIsWrong) {
    auto q = query("uuid=" + k_job + "&token=" + k_token);
    json running = cromwell("succeeded");
    running["state"] = "Running";
    std::string why = refusal(running, q);
    EXPECT_NE(why.find("not a valid CromwellCallback"), std::string::npos) << why;
    EXPECT_NE(refusal(cromwell("succeeded"), query("token=" + k_token)).find("uuid"),
              std::string::npos);
    EXPECT_EQ(refusal(json{{"foo", 1}}, q).find("CromwellCallback"), std::string::npos);
}

} // namespace
} // namespace pjm::core
