// MongoDB Extended JSON as pjm reads it (store/datacatalog.hpp), and the mapping of single
// documents; whole imports are tests/cli/datacatalog_import_test.sh's.
#include "store/datacatalog.hpp"
#include "store/store.hpp"
#include "test_databases.hpp"

#include <gtest/gtest.h>

namespace pjm::store {
namespace {

using nlohmann::json;

json ext(const char* text) {
    return from_extended_json(json::parse(text));
}

TEST(ExtendedJson, DatesInEveryFormMongoexportWrites) {
    EXPECT_EQ(ext(R"({"$date": "2019-04-10T15:31:05.123Z"})"), "2019-04-10T15:31:05.123Z");
    EXPECT_EQ(ext(R"({"$date": "2019-04-10T15:31:05Z"})"), "2019-04-10T15:31:05.000Z");
    EXPECT_EQ(ext(R"({"$date": "2019-04-10T17:31:05.5+02:00"})"), "2019-04-10T15:31:05.500Z");
    EXPECT_EQ(ext(R"({"$date": "2019-04-10T10:31:05.123-0500"})"), "2019-04-10T15:31:05.123Z");
    EXPECT_EQ(ext(R"({"$date": {"$numberLong": "1554910265123"}})"), "2019-04-10T15:31:05.123Z");
    EXPECT_EQ(ext(R"({"$date": {"$numberLong": "-1000"}})"), "1969-12-31T23:59:59.000Z");
    for (const char* bad : {R"({"$date": "yesterday"})", R"({"$date": "2019-02-30T00:00:00Z"})",
                            R"({"$date": {"$numberLong": "12x"}})", R"({"$date": true})"})
        EXPECT_THROW(ext(bad), DatacatalogError) << bad;
}

TEST(ExtendedJson, NumbersIdsAndUuids) {
    EXPECT_EQ(ext(R"({"$oid": "5cae0c1e1f1c6a4a0c7d2f01"})"), "5cae0c1e1f1c6a4a0c7d2f01");
    EXPECT_EQ(ext(R"({"$numberInt": "-7"})"), -7);
    EXPECT_EQ(ext(R"({"$numberLong": "9007199254740993"})"), 9007199254740993LL);
    EXPECT_EQ(ext(R"({"$numberDouble": "1.5"})"), 1.5);
    EXPECT_EQ(ext(R"({"$numberDouble": "NaN"})"), "NaN");
    EXPECT_EQ(ext(R"({"$numberDecimal": "0.10"})"), "0.10");
    EXPECT_EQ(ext(R"({"$binary": {"base64": "EHqgQWscXNWdqWPfId7Gxw==", "subType": "04"}})"),
              "107aa041-6b1c-5cd5-9da9-63df21dec6c7");
    EXPECT_EQ(ext(R"({"$binary": "EHqgQWscXNWdqWPfId7Gxw==", "$type": "03"})"),
              "107aa041-6b1c-5cd5-9da9-63df21dec6c7");
    EXPECT_THROW(ext(R"({"$binary": {"base64": "AAAA", "subType": "00"}})"), DatacatalogError);
    EXPECT_THROW(ext(R"({"$regularExpression": {"pattern": "a", "options": ""}})"),
                 DatacatalogError);
    // Nested anywhere; plain members left alone.
    EXPECT_EQ(ext(R"({"a": [{"$numberInt": "1"}, {"b": {"$oid": "ab"}}], "c": "$x"})"),
              json::parse(R"({"a": [1, {"b": "ab"}], "c": "$x"})"));
}

// A database with nothing: a dry run of one pipeline and one job reports them new; a job
// whose pipeline is missing is refused with its _id.
TEST(Datacatalog, DryRunReportsAndRefusesWithoutADatabase) {
    std::string pipeline =
        R"({"_id": {"$oid": "aa"}, "uuid": "1065e4ef-0b72-567e-8024-02d9e16b004a",
        "name": "p", "components": [], "accepts": ["*"]})";
    std::string job = R"({"_id": {"$oid": "bb"}, "uuid": "1078ab80-2682-5219-8e4b-50a2bdb34903",
        "pipeline_uuid": "1065e4ef-0b72-567e-8024-02d9e16b004a", "archive_path": "/a",
        "data": {}, "state": "CREATED", "_salt": "s",
        "history": [{"uuid": "1083f756-894d-5c64-8229-b75217eca704", "name": "create",
                     "date": {"$date": "2019-04-10T15:31:05.123Z"}}]})";
    auto one_line = [](std::string s) {
        for (char& c : s)
            if (c == '\n') c = ' ';
        return s;
    };
    DatacatalogReport r = import_datacatalog(
        nullptr, {{"in", one_line(pipeline) + "\n" + one_line(job) + "\n"}}, true, false);
    EXPECT_EQ(r.documents, 2u);
    EXPECT_EQ(r.pipelines_new, 1u);
    EXPECT_EQ(r.jobs_new, 1u);
    EXPECT_EQ(r.events, 1u);
    EXPECT_TRUE(r.refused.empty());
    EXPECT_EQ(r.aside_fields.at("pipeline accepts"), 1u);
    EXPECT_EQ(r.aside_fields.at("job _id"), 1u);
    EXPECT_FALSE(r.written);
    r = import_datacatalog(nullptr, {{"in", "[" + job + "]"}}, true, false);
    ASSERT_EQ(r.refused.size(), 1u);
    EXPECT_EQ(r.refused[0].id, "bb");
    EXPECT_NE(r.refused[0].reason.find("neither in the files nor in the database"),
              std::string::npos);
    EXPECT_TRUE(r.aside.empty()) << "a refused document keeps nothing aside";
    EXPECT_THROW(import_datacatalog(nullptr, {{"in", "[{"}}, true, false), DatacatalogError);
}

} // namespace
} // namespace pjm::store
