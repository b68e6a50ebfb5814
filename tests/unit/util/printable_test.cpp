// util/printable: the one escaper for text shown on a terminal or written to a log.
#include "util/printable.hpp"

#include <gtest/gtest.h>

namespace pjm::util {
namespace {

TEST(Printable, EscapesControlCharacters) {
    EXPECT_EQ(printable("plain text"), "plain text");
    EXPECT_EQ(printable("a\nb"), "a\\x0ab");
    EXPECT_EQ(printable("a\nb", Newlines::keep), "a\nb");
    EXPECT_EQ(printable("\033[2Jboo"), "\\x1b[2Jboo");
    EXPECT_EQ(printable("del\x7f"), "del\\x7f");
    EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9") << "UTF-8 passes";
    EXPECT_EQ(printable("caf\xc3\xa9", Newlines::escape, Bytes::ascii), "caf\\xc3\\xa9");
    EXPECT_EQ(printable(std::string_view("a\0b", 3)), "a\\x00b");
}

TEST(Printable, EscapesC1Controls) {
    // U+009B (CSI) would start a terminal escape sequence; U+00A0 and "é" are text.
    EXPECT_EQ(printable("a\xc2\x9b"
                        "31mb"),
              "a\\xc2\\x9b31mb");
    EXPECT_EQ(printable("\xc2\x80\xc2\x9f"), "\\xc2\\x80\\xc2\\x9f");
    EXPECT_EQ(printable("\xc2\xa0\xc3\xa9"), "\xc2\xa0\xc3\xa9");
}

TEST(Printable, ShortenedCutsBetweenCharacters) {
    EXPECT_EQ(shortened("abc", 3), "abc");
    EXPECT_EQ(shortened("abcd", 3), "abc…");
    EXPECT_EQ(shortened("", 0), "");
    // "é" is two bytes: a cut inside it backs up before it.
    EXPECT_EQ(shortened("ab\xc3\xa9z", 3), "ab…");
    EXPECT_EQ(shortened("ab\xc3\xa9z", 4), "ab\xc3\xa9…");
    EXPECT_EQ(shortened(std::string(1'000'000, 'x'), 64).size(), 64 + std::string("…").size());
}

} // namespace
} // namespace pjm::util
