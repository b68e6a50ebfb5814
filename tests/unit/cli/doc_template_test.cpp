// cli/doc_template: --template's fields, escapes, braces and refusals.
#include "cli/doc_template.hpp"

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

std::string render(const std::string& t, const nlohmann::json& doc,
                   std::vector<std::string>* missing_out = nullptr) {
    std::vector<std::string> missing;
    std::string out = DocTemplate::parse(t).render(doc, missing);
    if (missing_out) *missing_out = missing;
    return out;
}

TEST(DocTemplate, FieldsByPath) {
    nlohmann::json doc = {{"uuid", "107a"},
                          {"n", 3},
                          {"none", nullptr},
                          {"job", {{"state", "RUNNING"}}},
                          {"history", {{{"name", "run"}}, {{"name", "finish"}}}}};
    EXPECT_EQ(render("{uuid} {n}|{none}|{job.state} {history.1.name}", doc),
              "107a 3||RUNNING finish");
    EXPECT_EQ(render("{job}", doc), "{\"state\":\"RUNNING\"}");
}

TEST(DocTemplate, EscapesAndBraces) {
    nlohmann::json doc = {{"a", "x"}};
    EXPECT_EQ(render("{a}\\t{{{a}}}\\n\\\\", doc), "x\t{x}\n\\");
    EXPECT_EQ(render("\\q", doc), "\\q") << "other backslashes stay";
}

TEST(DocTemplate, MissingFieldsRenderAsNothingAndAreNamed) {
    std::vector<std::string> missing;
    EXPECT_EQ(render("[{nope}] [{a.b}] [{history.9}]",
                     {{"a", "text"}, {"history", nlohmann::json::array()}}, &missing),
              "[] [] []");
    EXPECT_EQ(missing, (std::vector<std::string>{"nope", "a.b", "history.9"}));
}

TEST(DocTemplate, RefusesWhatDoesNotParse) {
    for (const char* bad : {"{", "}", "{uuid", "{}", "{a b}", "{.a}", "{a..b}", "{a.}"})
        EXPECT_THROW(DocTemplate::parse(bad), std::invalid_argument) << bad;
}

} // namespace
} // namespace pjm::cli
