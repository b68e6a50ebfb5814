// The cheap check of event messages (kinds::plainly_valid_event) against the schema it stands
// in for: on many messages, valid and not, it may say "not sure" (false) for a valid one, but
// it must never accept a message the schema refuses, and it must accept the common valid ones.
#include "core/kinds/cloudevents.hpp"
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

using nlohmann::json;

TEST(PlainlyValidEvent, NeverMoreLenientThanTheSchema) {
    const std::string uuid = "1073f4ff-c2b9-5190-bd9a-e6a406d9796a";
    std::vector<json> values = {nullptr,
                                true,
                                7,
                                1.5,
                                "",
                                "x",
                                json::array(),
                                json::object(),
                                json{{"a", 1}},
                                uuid,
                                "1063f4ff-c2b9-5190-bd9a-e6a406d9796a",
                                "1073F4FF-C2B9-5190-BD9A-E6A406D9796A",
                                "run",
                                "Run",
                                "create",
                                "finish",
                                "0123456789abcdef",
                                "0123456789abcdef0",
                                "0123456789abcde",
                                "0123456789abcdef01",
                                "ééééééééééééééé",
                                "éééééééééééééééé"};
    std::vector<std::string> keys = {"uuid", "name", "data", "token", "extra"};
    int accepted = 0, checked = 0;
    // Every message of up to three of these keys, each with every value.
    std::function<void(std::size_t, json)> build = [&](std::size_t from, json m) {
        ++checked;
        bool cheap = kinds::plainly_valid_event(m);
        bool schema = schema_errors("event", m).empty();
        if (cheap) {
            ++accepted;
            EXPECT_TRUE(schema) << "accepted what the schema refuses: " << m.dump();
        }
        if (m.size() == 3) return;
        for (std::size_t k = from; k < keys.size(); ++k)
            for (const auto& v : values) {
                json next = m;
                next[keys[k]] = v;
                build(k + 1, next);
            }
    };
    build(0, json::object());
    EXPECT_GT(checked, 1000);
    EXPECT_GT(accepted, 0);
    // The common shapes are taken without the schema.
    EXPECT_TRUE(kinds::plainly_valid_event({{"uuid", uuid}, {"name", "update"}}));
    EXPECT_TRUE(kinds::plainly_valid_event(
        {{"uuid", uuid}, {"name", "finish"}, {"data", {{"n", 1}}}, {"token", "0123456789abcdef"}}));
    EXPECT_FALSE(kinds::plainly_valid_event(json::array()));
    EXPECT_FALSE(kinds::plainly_valid_event("text"));
}

} // namespace
} // namespace pjm::core

// --- CloudEvents (docs/integrations.md#cloudevents) --------------------------------------------

namespace cloudevents_tests {

using nlohmann::json;
using namespace pjm::core;

CloudEventsMap sample_map() {
    return parse_cloudevents_map(json::parse(R"({"types": {
        "t.started": "run",
        "t.ended": {"field": "outcome.status", "values": {"ok": "finish", "bad": "fail",
                    "1": "update"}, "otherwise": "update"},
        "t.only": {"field": "s", "values": {"x": "finish"}}}})"));
}

QueryParams target() {
    return *QueryParams::parse("uuid=1073e0ff-0000-5000-8000-000000000001&token=0123456789abcdef");
}

json event(const std::string& type, json data = nullptr, const std::string& id = "e1") {
    json e = {{"specversion", "1.0"}, {"id", id}, {"source", "/wf"}, {"type", type}};
    if (!data.is_null()) e["data"] = std::move(data);
    return e;
}

TEST(CloudEvents, TheMapPicksTheEventByTypeAndField) {
    CloudEventsMap map = sample_map();
    auto read = [&](const json& e) {
        KindRead r = read_cloudevent(e, target(), map);
        EXPECT_TRUE(r.message) << e.dump();
        return r.message ? *r.message : Message{};
    };
    Message m = read(event("t.started", {{"a", 1}}));
    EXPECT_EQ(m.kind, MessageKind::cloudevent);
    EXPECT_EQ(std::get<EventMessage>(m.body).event, Event::run);
    EXPECT_EQ(std::get<EventMessage>(m.body).data.at("data").at("a"), 1);
    EXPECT_EQ(std::get<EventMessage>(m.body).data.at("cloudevent").at("source"), "/wf");
    ASSERT_TRUE(m.callback);
    EXPECT_EQ(m.callback->dedupe_key, "ce:/wf\ne1");
    EXPECT_TRUE(m.callback->keep);
    EXPECT_EQ(std::get<EventMessage>(read(event("t.ended", {{"outcome", {{"status", "ok"}}}})).body)
                  .event,
              Event::finish);
    EXPECT_EQ(
        std::get<EventMessage>(read(event("t.ended", {{"outcome", {{"status", "bad"}}}})).body)
            .event,
        Event::fail);
    // A number is compared as JSON writes it; a value not listed is `otherwise`.
    EXPECT_EQ(
        std::get<EventMessage>(read(event("t.ended", {{"outcome", {{"status", 1}}}})).body).event,
        Event::update);
    EXPECT_EQ(std::get<EventMessage>(read(event("t.ended", {{"outcome", "?"}})).body).event,
              Event::update);
    // No `otherwise`, no value listed, or a type not in the map: acknowledged, not kept.
    EXPECT_FALSE(read(event("t.only", {{"s", "y"}})).callback->keep);
    EXPECT_FALSE(read(event("t.unknown")).callback->keep);
    EXPECT_TRUE(read(event("t.only", {{"s", "x"}})).callback->keep);
}

TEST(CloudEvents, EventsThatAreNotCloudEvents10AreRefused) {
    CloudEventsMap map = sample_map();
    json no_id = event("t.started");
    no_id.erase("id");
    json old = event("t.started");
    old["specversion"] = "0.3";
    json both = event("t.started", {{"a", 1}});
    both["data_base64"] = "eA==";
    for (const json& bad :
         {no_id, old, both, json::array(), json(event("t.started", nullptr, ""))}) {
        KindRead r = read_cloudevent(bad, target(), map);
        EXPECT_FALSE(r.message) << bad.dump();
        EXPECT_FALSE(r.errors.empty()) << bad.dump();
    }
    EXPECT_NE(read_cloudevent(old, target(), map).errors.front().find("1.0"), std::string::npos);
    // The job comes from the URL only.
    EXPECT_FALSE(read_cloudevent(event("t.started"), {}, map).message);
}

TEST(CloudEvents, BadMapsSayWhatIsWrong) {
    auto error = [](const char* text) {
        try {
            parse_cloudevents_map(json::parse(text));
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(error(R"([])").find("\"types\""), std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": "reset"}})").find("'reset'"), std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": "create"}})").find("'create'"), std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": "nope"}})").find("'nope'"), std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": {"field": "s"}}})").find("needs its values"),
              std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": {"values": {"a": "run"}}}})").find("field"),
              std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": {"otherwise": "run", "when": 1}}})").find("'when'"),
              std::string::npos);
    EXPECT_NE(error(R"({"types": {"t": {}}})").find("no event"), std::string::npos);
    EXPECT_EQ(error(R"({"types": {}})"), "accepted");
}

} // namespace cloudevents_tests
