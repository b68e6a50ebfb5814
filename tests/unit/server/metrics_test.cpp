// /metrics in the Prometheus text format.
#include "server/metrics.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

TEST(Metrics, EmptyStillDeclaresEveryFamily) {
    Metrics m;
    std::string t = m.render();
    EXPECT_TRUE(has_line(t, "# TYPE pjm_messages_total counter"));
    EXPECT_TRUE(has_line(t, "# TYPE pjm_message_handling_seconds histogram"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"+Inf\"} 0"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_count 0"));
    EXPECT_TRUE(has_line(t, "# TYPE pjm_http_replies_total counter"));
    EXPECT_EQ(t.back(), '\n');
}

TEST(Metrics, MessagesByKindAndOutcome) {
    Metrics m;
    m.message("PipelineJobEvent", "ok", 0.001);
    m.message("PipelineJobEvent", "ok", 0.002);
    m.message("PipelineJobEvent", "conflict", 0.002);
    m.message("unclassified", "invalid", 0.0001);
    std::string t = m.render();
    EXPECT_TRUE(has_line(t, "pjm_messages_total{kind=\"PipelineJobEvent\",outcome=\"ok\"} 2"));
    EXPECT_TRUE(
        has_line(t, "pjm_messages_total{kind=\"PipelineJobEvent\",outcome=\"conflict\"} 1"));
    EXPECT_TRUE(has_line(t, "pjm_messages_total{kind=\"unclassified\",outcome=\"invalid\"} 1"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics m;
    m.message("k", "ok", 0.0001); // first bucket
    m.message("k", "ok", 0.001);  // exactly on a bound: counted in it
    m.message("k", "ok", 0.02);
    m.message("k", "ok", 10.0); // beyond the last bound: +Inf only
    std::string t = m.render();
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"0.0005\"} 1"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"0.001\"} 2"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"0.01\"} 2"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"0.025\"} 3"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"2.5\"} 3"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_bucket{le=\"+Inf\"} 4"));
    EXPECT_TRUE(has_line(t, "pjm_message_handling_seconds_count 4"));
    auto at = t.find("pjm_message_handling_seconds_sum ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NEAR(std::stod(t.substr(at + 33)), 10.0211, 1e-9);
}

TEST(Metrics, RepliesByStatusAndEscapedLabels) {
    Metrics m;
    m.reply(200);
    m.reply(200);
    m.reply(401);
    m.message("a\"b\\c\nd", "ok", 0);
    std::string t = m.render();
    EXPECT_TRUE(has_line(t, "pjm_http_replies_total{code=\"200\"} 2"));
    EXPECT_TRUE(has_line(t, "pjm_http_replies_total{code=\"401\"} 1"));
    EXPECT_TRUE(has_line(t, "pjm_messages_total{kind=\"a\\\"b\\\\c\\nd\",outcome=\"ok\"} 1"));
}

} // namespace
} // namespace pjm::server
