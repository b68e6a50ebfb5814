// Relative times against a fixed clock, and the measuring, cutting and escaping of table text.
#include "cli/humanize.hpp"
#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

constexpr std::int64_t k_now = 1795842801123; // 2026-11-28T05:13:21.123Z
constexpr std::int64_t k_s = 1000, k_min = 60 * k_s, k_h = 60 * k_min, k_day = 24 * k_h;

TEST(RelativeTime, PicksTheLargestWholeUnit) {
    struct Case {
        std::int64_t before;
        const char* text;
    };
    for (const Case& c : {
             Case{0, "just now"},
             Case{999, "just now"},
             Case{k_s, "1 second ago"},
             Case{59 * k_s + 999, "59 seconds ago"},
             Case{k_min, "1 minute ago"},
             Case{3 * k_min + 59 * k_s, "3 minutes ago"},
             Case{59 * k_min, "59 minutes ago"},
             Case{k_h, "1 hour ago"},
             Case{23 * k_h + 59 * k_min, "23 hours ago"},
             Case{k_day, "1 day ago"},
             Case{2 * k_day + 5 * k_h, "2 days ago"},
             Case{29 * k_day, "29 days ago"},
             Case{30 * k_day, "1 month ago"},
             Case{364 * k_day, "12 months ago"},
             Case{365 * k_day, "1 year ago"},
             Case{3 * 365 * k_day + 200 * k_day, "3 years ago"},
         })
        EXPECT_EQ(relative_time(k_now - c.before, k_now), c.text) << c.before << " ms before";
}

TEST(RelativeTime, ASkewedClockIsJustNowAndTheFutureSaysIn) {
    EXPECT_EQ(relative_time(k_now + 59 * k_s, k_now), "just now");
    EXPECT_EQ(relative_time(k_now + 5 * k_min, k_now), "in 5 minutes");
    EXPECT_EQ(relative_time(k_now + 2 * k_day, k_now), "in 2 days");
}

TEST(Ago, ReadsStoredDatesAgainstTheClock) {
    core::FixedClock clock(k_now);
    EXPECT_EQ(ago("2026-11-28T05:10:21.123Z", clock), "3 minutes ago");
    EXPECT_EQ(ago("2026-11-26T05:13:21.123Z", clock), "2 days ago");
    EXPECT_EQ(ago("2026-11-28T05:13:21Z", clock), "just now") << "without milliseconds";
    clock.advance_ms(k_h);
    EXPECT_EQ(ago("2026-11-28T05:10:21.123Z", clock), "1 hour ago");
}

TEST(Ago, KeepsWhatIsNotADate) {
    core::FixedClock clock(k_now);
    EXPECT_EQ(ago("", clock), "");
    EXPECT_EQ(ago("yesterday", clock), "yesterday");
    EXPECT_EQ(ago("2026-13-01T00:00:00.000Z", clock), "2026-13-01T00:00:00.000Z");
}

TEST(DisplayWidth, CountsCharactersNotBytes) {
    EXPECT_EQ(display_width(""), 0u);
    EXPECT_EQ(display_width("RUNNING"), 7u);
    EXPECT_EQ(display_width("CREATED \xe2\x86\x92 RUNNING"), 17u); // an arrow: 3 bytes
    EXPECT_EQ(display_width("caf\xc3\xa9"), 4u);
}

TEST(Clip, CutsToTheWidthWithDotsAndNeverSplitsACharacter) {
    EXPECT_EQ(clip("short", 10), "short");
    EXPECT_EQ(clip("exactly10!", 10), "exactly10!");
    EXPECT_EQ(clip("{\"files\": 3, \"host\": \"n1\"}", 10), "{\"files...");
    EXPECT_EQ(display_width(clip("{\"files\": 3, \"host\": \"n1\"}", 10)), 10u);
    EXPECT_EQ(clip("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9...");
    EXPECT_EQ(clip("abcdef", 3), "abc") << "no room for dots";
}

} // namespace
} // namespace pjm::cli
