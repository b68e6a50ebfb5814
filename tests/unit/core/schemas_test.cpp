// The bundled JSON Schemas (docs/protocol.md#messages): each is a draft-07 document, and each
// accepts and refuses example documents written here from that description, independently of
// the schema files.
#include "core/fsm.hpp"
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

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

// One schema per message kind, and no other.
TEST(Schemas, EveryKindsSchemaIsBundled) {
    std::set<std::string> names, kinds;
    for (const auto& s : embedded_schemas())
        names.insert(std::string(s.name));
    for (const KindSpec& k : message_kinds())
        kinds.insert(std::string(k.schema));
    EXPECT_EQ(names, kinds);
    EXPECT_EQ(names, (std::set<std::string>{"agave", "cloudevents", "create", "cromwell", "delete",
                                            "event", "nextflow", "slurm", "tapis", "urlparams"}));
    EXPECT_TRUE(schema_text("nonexistent").empty());
}

TEST(Schemas, EachIsDraft07Json) {
    ASSERT_FALSE(embedded_schemas().empty());
    for (const auto& s : embedded_schemas()) {
        SCOPED_TRACE(std::string(s.name));
        EXPECT_EQ(schema_text(s.name), s.text);
        json doc;
        ASSERT_NO_THROW(doc = json::parse(s.text));
        ASSERT_TRUE(doc.is_object());
        EXPECT_EQ(doc.value("$schema", ""), "http://json-schema.org/draft-07/schema#");
        EXPECT_EQ(doc.value("type", ""), "object");
        EXPECT_TRUE(doc.contains("properties"));
        EXPECT_TRUE(doc.contains("required"));
        // Every required property is also described.
        for (const auto& r : doc["required"])
            EXPECT_TRUE(doc["properties"].contains(r.get<std::string>())) << r;
    }
}

// The event names a message may carry are the lifecycle table's events but create, in table
// order (the enums are filled in from the table when pjm is built).
TEST(Schemas, EventNameEnumsAreTheTablesEventsButCreate) {
    std::vector<std::string> events;
    for (Event e : all_events())
        if (e != Event::create) events.emplace_back(to_string(e));
    for (const char* name : {"event", "urlparams"}) {
        json schema = json::parse(schema_text(name));
        EXPECT_EQ(schema["properties"]["name"]["enum"].get<std::vector<std::string>>(), events)
            << name;
    }
}

TEST(Schemas, UnknownSchemaNameThrows) {
    EXPECT_ANY_THROW(schema_errors("nonexistent", json::object()));
}

struct Examples {
    std::vector<json> accept;
    std::vector<json> reject;
};

void check(const char* name, const Examples& ex) {
    ASSERT_GE(ex.accept.size(), 3u);
    ASSERT_GE(ex.reject.size(), 5u);
    for (const auto& v : ex.accept) {
        auto errors = schema_errors(name, v);
        EXPECT_TRUE(errors.empty()) << name << " should accept " << v.dump() << ": "
                                    << (errors.empty() ? "" : errors.front());
    }
    for (const auto& v : ex.reject) {
        auto errors = schema_errors(name, v);
        EXPECT_FALSE(errors.empty()) << name << " should refuse " << v.dump();
        for (const auto& e : errors)
            EXPECT_EQ(e.front(), '/') << e; // path first
    }
}

TEST(Schemas, Event) {
    check("event",
          {{
               {{"uuid", k_job}, {"name", "run"}},
               {{"uuid", k_job}, {"name", "finish"}, {"data", {{"a", {1, 2}}}}, {"token", k_token}},
               {{"uuid", k_job}, {"name", "ready"}, {"token", k_token + "0"}},
               {{"uuid", k_job}, {"name", "validated"}, {"data", json::object()}},
           },
           {
               json::array(),
               json::object(),
               {{"name", "run"}},
               {{"uuid", k_job}},
               {{"uuid", k_job}, {"name", "create"}},
               {{"uuid", k_job}, {"name", "Run"}},
               {{"uuid", k_pipeline}, {"name", "run"}},
               {{"uuid", k_job}, {"name", "run"}, {"data", "x"}},
               {{"uuid", k_job}, {"name", "run"}, {"data", nullptr}},
               {{"uuid", k_job}, {"name", "run"}, {"token", "0dc73dc3ff39b49"}},
               {{"uuid", k_job}, {"name", "run"}, {"token", "0dc73dc3ff39b49a00"}},
               {{"uuid", k_job}, {"name", "run"}, {"extra", 1}},
               {{"uuid", k_job}, {"name", "run"}, {"action", "delete"}},
           }});
}

TEST(Schemas, EventErrorsNameTheProperty) {
    auto errors = schema_errors("event", {{"uuid", k_job}, {"name", "run"}, {"token", 5}});
    ASSERT_FALSE(errors.empty());
    bool mentions = false;
    for (const auto& e : errors)
        mentions |= e.rfind("/token", 0) == 0;
    EXPECT_TRUE(mentions) << errors.front();
}

TEST(Schemas, Delete) {
    check("delete",
          {{
               {{"uuid", k_job}, {"action", "delete"}},
               {{"uuid", k_job}, {"action", "delete"}, {"force", true}},
               {{"uuid", k_job}, {"action", "delete"}, {"force", false}, {"token", k_token}},
           },
           {
               json::object(),
               {{"uuid", k_job}},
               {{"action", "delete"}},
               {{"uuid", k_job}, {"action", "remove"}},
               {{"uuid", k_job}, {"action", "delete"}, {"force", "true"}},
               {{"uuid", k_job}, {"action", "delete"}, {"force", 1}},
               {{"uuid", k_job}, {"action", "delete"}, {"name", "run"}},
               {{"uuid", k_pipeline}, {"action", "delete"}},
               {{"uuid", k_job}, {"action", "delete"}, {"token", "short"}},
           }});
}

TEST(Schemas, Create) {
    json data = {{"sample", "s1"}};
    check("create",
          {{
               {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}, {"data", data}},
               {{"pipeline_uuid", k_pipeline},
                {"archive_path", "/p"},
                {"data", json::object()},
                {"session", ""},
                {"archive_system", "sys"}},
               {{"pipeline_uuid", k_pipeline}, {"archive_path", "x"}, {"data", {{"n", {1, 2}}}}},
           },
           {
               json::object(),
               {{"archive_path", "/p"}, {"data", data}},
               {{"pipeline_uuid", k_pipeline}, {"data", data}},
               {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}},
               {{"pipeline_uuid", k_job}, {"archive_path", "/p"}, {"data", data}},
               {{"pipeline_uuid", k_pipeline}, {"archive_path", ""}, {"data", data}},
               {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}, {"data", {1}}},
               {{"pipeline_uuid", k_pipeline},
                {"archive_path", "/p"},
                {"data", data},
                {"archive_system", ""}},
               {{"pipeline_uuid", k_pipeline}, {"archive_path", "/p"}, {"data", data}, {"x", 1}},
               {{"pipeline_uuid", k_pipeline},
                {"archive_path", "/p"},
                {"data", data},
                {"session", 1}},
           }});
}

json agave(const std::string& status) {
    return {{"owner", "o"},
            {"appId", "a"},
            {"executionSystem", "e"},
            {"archivePath", "/p"},
            {"archiveSystem", "s"},
            {"status", status},
            {"inputs", json::object()},
            {"parameters", json::object()},
            {"_links", json::object()}};
}

TEST(Schemas, Agave) {
    json with_extras = agave("FINISHED");
    with_extras["retries"] = 2;
    with_extras["localId"] = "77";
    with_extras["anything"] = {1, 2, 3};
    json no_links = agave("RUNNING");
    no_links.erase("_links");
    json no_status = agave("RUNNING");
    no_status.erase("status");
    json status_number = agave("RUNNING");
    status_number["status"] = 3;
    json inputs_list = agave("RUNNING");
    inputs_list["inputs"] = json::array();
    json parameters_null = agave("RUNNING");
    parameters_null["parameters"] = nullptr;
    json links_string = agave("RUNNING");
    links_string["_links"] = "self";
    json owner_null = agave("RUNNING");
    owner_null["owner"] = nullptr;
    check("agave", {{agave("RUNNING"), agave("weird status"), with_extras},
                    {json::object(), no_links, no_status, status_number, agave(""), inputs_list,
                     parameters_null, links_string, owner_null}});
}

TEST(Schemas, UrlParams) {
    check("urlparams", {{
                            {{"uuid", k_job}, {"name", "run"}},
                            {{"uuid", k_job}, {"name", "finish"}, {"token", k_token}},
                            {{"uuid", k_job}, {"name", "reset"}, {"token", k_token + "f"}},
                        },
                        {
                            json::object(),
                            {{"uuid", k_job}},
                            {{"name", "run"}},
                            {{"uuid", k_job}, {"name", "create"}},
                            {{"uuid", k_job}, {"name", "nope"}},
                            {{"uuid", "1074d7d8"}, {"name", "run"}},
                            {{"uuid", k_job}, {"name", "run"}, {"token", ""}},
                            {{"uuid", k_job}, {"name", "run"}, {"token", k_token + "ff"}},
                        }});
}

// Found by fuzzing: valijson's string length (minLength/maxLength) assumes UTF-8 and read past
// the end of a table on a run of continuation bytes (a token percent-decoded from the URL).
// Text that is not UTF-8 is refused before valijson sees it, wherever it sits.
TEST(Schemas, TextThatIsNotUtf8IsRefusedWithItsPath) {
    std::string runaway = "\xdd" + std::string(60, '\x9c'); // a lead byte, 60 continuations
    std::vector<std::string> bad = {runaway,
                                    "abc\xff",
                                    "\xc0\xaf",                     // overlong '/'
                                    "\xed\xa0\x80",                 // a UTF-16 surrogate
                                    "\xf4\x90\x80\x80",             // past U+10FFFF
                                    "\xe2\x9c",                     // truncated
                                    std::string(16, 'a') + "\x80"}; // stray continuation
    for (const auto& text : bad) {
        auto errors =
            schema_errors("urlparams", {{"uuid", k_job}, {"name", "run"}, {"token", text}});
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0], "/token: not valid UTF-8 text");
    }
    EXPECT_EQ(
        schema_errors("event", {{"uuid", k_job}, {"name", "run"}, {"data", {{"k", {1, runaway}}}}}),
        std::vector<std::string>{"/data/k/1: not valid UTF-8 text"});
    EXPECT_EQ(schema_errors("event", {{"uuid", k_job}, {"name", "run"}, {"data", {{runaway, 1}}}}),
              std::vector<std::string>{"/data/(a key): not valid UTF-8 text"});
    EXPECT_EQ(schema_errors("event", json(runaway)),
              std::vector<std::string>{"/: not valid UTF-8 text"});
    // Well-formed text of every length is measured in characters as before.
    std::string snowmen;
    for (int i = 0; i < 16; ++i)
        snowmen += "\u2603";
    EXPECT_TRUE(
        schema_errors("urlparams", {{"uuid", k_job}, {"name", "run"}, {"token", snowmen}}).empty());
    EXPECT_TRUE(
        schema_errors("urlparams", {{"uuid", k_job},
                                    {"name", "run"},
                                    {"token", "\U0001F600\U0001F600" + std::string(15, 'a')}})
            .empty());
}

} // namespace
} // namespace pjm::core
