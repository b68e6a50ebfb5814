// RFC 3339 timestamps with milliseconds (the dates of docs/protocol.md#job-record): formatting
// against Python's datetime, round trips, and the texts the parser must refuse.
//
// Helper used in the comments below (Python 3):
//   from datetime import datetime, timezone, timedelta
//   def f(ms):
//       d = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)
//       return d.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (d.microsecond // 1000)
#include "core/timefmt.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

struct TimeCase {
    std::int64_t ms;
    const char* text; // f(ms)
};

const std::vector<TimeCase>& known() {
    static const std::vector<TimeCase> cases = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {999, "1970-01-01T00:00:00.999Z"},
        {1000, "1970-01-01T00:00:01.000Z"},
        {1795842801123, "2026-11-28T05:13:21.123Z"}, // the example in docs/protocol.md#job-record
        {1764306801005, "2025-11-28T05:13:21.005Z"},
        {951782400000, "2000-02-29T00:00:00.000Z"},
        {1709164800000, "2024-02-29T00:00:00.000Z"},
        {4102444800000, "2100-01-01T00:00:00.000Z"},
        {253402300799999, "9999-12-31T23:59:59.999Z"},
        // Before 1970.
        {-1, "1969-12-31T23:59:59.999Z"},
        {-1000, "1969-12-31T23:59:59.000Z"},
        {-86400000, "1969-12-31T00:00:00.000Z"},
        {-2208988800000, "1900-01-01T00:00:00.000Z"},
    };
    return cases;
}

TEST(TimeFmt, FormatsKnownTimes) {
    for (const auto& c : known())
        EXPECT_EQ(rfc3339_ms(c.ms), c.text) << c.ms;
}

TEST(TimeFmt, ParsesKnownTimes) {
    for (const auto& c : known())
        EXPECT_EQ(parse_rfc3339_ms(c.text), c.ms) << c.text;
}

TEST(TimeFmt, RoundTripsEveryMillisecondPadding) {
    for (std::int64_t ms : {1795842801000LL, 1795842801001LL, 1795842801010LL, 1795842801099LL,
                            1795842801100LL, 1795842801999LL}) {
        std::string text = rfc3339_ms(ms);
        EXPECT_EQ(text.size(), 24u) << text;
        EXPECT_EQ(parse_rfc3339_ms(text), ms) << text;
    }
    // A spread of times, past and future.
    for (std::int64_t ms = -3000000000000LL; ms < 5000000000000LL; ms += 123456789012LL) {
        EXPECT_EQ(parse_rfc3339_ms(rfc3339_ms(ms)), ms) << ms;
    }
}

TEST(TimeFmt, ParsesWithoutMilliseconds) {
    EXPECT_EQ(parse_rfc3339_ms("2026-11-28T05:13:21Z"), 1795842801000);
    EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_rfc3339_ms("1969-12-31T23:59:59Z"), -1000);
}

TEST(TimeFmt, RefusesOtherForms) {
    for (const char* text : {
             "",
             "2026-11-28",
             "2026-11-28T05:13:21",           // no zone
             "2026-11-28T05:13:21.123",       // no zone
             "2026-11-28T05:13:21.123z",      // lower-case z
             "2026-11-28T05:13:21.123+00:00", // offsets are not written by rfc3339_ms
             "2026-11-28 05:13:21.123Z",      // space instead of T
             "2026-11-28t05:13:21.123Z",
             "2026-11-28T05:13:21.12Z",   // two fraction digits
             "2026-11-28T05:13:21.1234Z", // four fraction digits
             "2026-11-28T05:13:21.Z",
             "2026-11-28T05:13:21.1a3Z",
             "2026-11-28T05:13:21.123ZZ",
             "2026-11-28T05:13:21.123Z ",
             "2026-13-01T00:00:00.000Z", // month 13
             "2026-00-01T00:00:00.000Z",
             "2026-02-29T00:00:00.000Z", // not a leap year
             "2026-04-31T00:00:00.000Z",
             "2026-11-28T24:00:00.000Z",
             "2026-11-28T05:60:00.000Z",
             "2026/11/28T05:13:21.123Z",
             "20261128T051321Z",
             "not a time",
         }) {
        EXPECT_FALSE(parse_rfc3339_ms(text).has_value()) << text;
    }
}

TEST(TimeFmt, RefusesFieldsThatAreNotTwoDigits) {
    // rfc3339_ms always writes zero-padded fields; a looser text is not one of its timestamps.
    for (const char* text : {
             "2026-1-28T05:13:21.123Z",
             "2026-11-8T05:13:21.123Z",
             "2026-11-28T5:13:21.123Z",
             "2026-11-28T05:3:21.123Z",
             "2026-11-28T05:13:1.123Z",
             " 2026-11-28T05:13:21.123Z",
             "2026- 1-28T05:13:21.123Z",
             "2026-+1-28T05:13:21.123Z",
             "+2026-11-28T05:13:21.123Z",
             "-2026-11-28T05:13:21.123Z",
             "226-11-28T05:13:21.123Z",
         }) {
        EXPECT_FALSE(parse_rfc3339_ms(text).has_value()) << text;
    }
}

} // namespace
} // namespace pjm::core
