// The route table's path patterns: {tree}, {} and a final /? (route_pattern.hpp).
#include "server/route_pattern.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view path) {
    std::vector<std::string_view> segments;
    if (!match_route(pattern, path, segments)) return std::nullopt;
    return std::vector<std::string>(segments.begin(), segments.end());
}

using Segments = std::vector<std::string>;

TEST(Routes, TreeIsEitherActorsTree) {
    EXPECT_EQ(match("{tree}/{}/messages/?", "/actors/v2/a1/messages"), Segments{"a1"});
    EXPECT_EQ(match("{tree}/{}/messages/?", "/v3/actors/a1/messages"), Segments{"a1"});
    EXPECT_FALSE(match("{tree}/{}/messages/?", "/actors/v3/a1/messages"));
    EXPECT_FALSE(match("{tree}/{}/messages/?", "/actors/v2x/a1/messages"));
    EXPECT_FALSE(match("{tree}/{}/messages/?", "/x/actors/v2/a1/messages"));
}

TEST(Routes, ASegmentIsOneNonEmptyPathSegmentAsSent) {
    EXPECT_EQ(match("{tree}/{}/jobs/{}/?", "/actors/v2/a/jobs/u%2Du"), (Segments{"a", "u%2Du"}));
    EXPECT_FALSE(match("{tree}/{}/jobs/{}/?", "/actors/v2/a/jobs/"));
    EXPECT_FALSE(match("{tree}/{}/jobs/{}/?", "/actors/v2//jobs/u"));
    EXPECT_FALSE(match("{tree}/{}/jobs/{}/?", "/actors/v2/a/jobs/u/v"));
    EXPECT_FALSE(match("{tree}/{}/?", "/actors/v2/"));
}

TEST(Routes, OneTrailingSlashIsOptionalWhereThePatternSaysSo) {
    EXPECT_TRUE(match("{tree}/{}/messages/?", "/actors/v2/a/messages/"));
    EXPECT_FALSE(match("{tree}/{}/messages/?", "/actors/v2/a/messages//"));
    EXPECT_EQ(match("{tree}/{}/?", "/actors/v2/a/"), Segments{"a"});
    EXPECT_TRUE(match("{tree}/?", "/actors/v2"));
    EXPECT_TRUE(match("{tree}/?", "/v3/actors/"));
    EXPECT_TRUE(match("/healthz", "/healthz"));
    EXPECT_FALSE(match("/healthz", "/healthz/"));
    EXPECT_FALSE(match("/healthz", "/health"));
    EXPECT_FALSE(match("/metrics", "/metricsx"));
}

} // namespace
} // namespace pjm::server
