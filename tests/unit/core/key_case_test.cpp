// core/key_case: Abaco's snake-to-camel renaming and the three cases pjm serve answers in.
#include "core/key_case.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

using nlohmann::json;

TEST(KeyCase, RenamesAsAbacoDoes) {
    EXPECT_EQ(under_to_camel("execution_id"), "executionId");
    EXPECT_EQ(under_to_camel("message_received_time"), "messageReceivedTime");
    EXPECT_EQ(under_to_camel("total_cpu"), "totalCpu");
    EXPECT_EQ(under_to_camel("id"), "id");
    EXPECT_EQ(under_to_camel("_links"), "_links");
    EXPECT_EQ(under_to_camel("_abaco_Content_Type"), "_abacoContentType");
    EXPECT_EQ(under_to_camel("a__b"), "a_B");
    EXPECT_EQ(under_to_camel("Worker_ID"), "workerId");
}

TEST(KeyCase, TopLevelKeysOnlyAndLinksKeepTheirSpelling) {
    json doc = {{"execution_id", "X"},
                {"msg", "m"},
                {"final_state", {{"ExitCode", 0}, {"exit_code", 1}}},
                {"_links", {{"self", "u"}}}};
    EXPECT_EQ(in_case(doc, KeyCase::snake), doc);
    json camel = in_case(doc, KeyCase::camel);
    EXPECT_EQ(camel, json({{"executionId", "X"},
                           {"msg", "m"},
                           {"finalState", {{"ExitCode", 0}, {"exit_code", 1}}},
                           {"_links", {{"self", "u"}}}}));
    json both = in_case(doc, KeyCase::both);
    EXPECT_EQ(both["execution_id"], "X");
    EXPECT_EQ(both["executionId"], "X");
    EXPECT_EQ(both["final_state"], both["finalState"]);
    EXPECT_EQ(both.size(), 6u) << "msg and _links once, the two others twice";
}

TEST(KeyCase, EachDocumentOfAList) {
    json list = json::array({{{"worker_id", "W"}}, {{"worker_id", "V"}}, 3});
    json camel = in_case(list, KeyCase::camel);
    EXPECT_EQ(camel[0], json({{"workerId", "W"}}));
    EXPECT_EQ(camel[1], json({{"workerId", "V"}}));
    EXPECT_EQ(camel[2], 3);
}

TEST(KeyCase, EitherCaseReadsWhicheverIsThere) {
    json snake = {{"exit_code", 3}};
    json camel = {{"exitCode", 4}};
    ASSERT_TRUE(either_case(snake, "exit_code"));
    EXPECT_EQ(*either_case(snake, "exit_code"), 3);
    EXPECT_EQ(*either_case(camel, "exit_code"), 4);
    EXPECT_FALSE(either_case(camel, "status"));
    EXPECT_FALSE(either_case(json::array(), "status"));
}

TEST(KeyCase, Names) {
    EXPECT_EQ(parse_key_case("camel"), KeyCase::camel);
    EXPECT_EQ(parse_key_case("both"), KeyCase::both);
    EXPECT_FALSE(parse_key_case("Camel"));
    EXPECT_EQ(to_string(KeyCase::snake), "snake");
}

} // namespace
} // namespace pjm::core
