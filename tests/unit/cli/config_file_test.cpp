// The config file's TOML subset: strings, integers, booleans, comments, [section] prefixes, and
// errors that name the offending line.
#include "cli/config_file.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

using Values = std::map<std::string, std::string>;

Values ok(std::string_view text) {
    ConfigParse p = parse_config(text);
    EXPECT_FALSE(p.error.has_value()) << *p.error;
    return p.values;
}

std::string error(std::string_view text) {
    ConfigParse p = parse_config(text);
    EXPECT_TRUE(p.error.has_value()) << "accepted: " << text;
    return p.error.value_or("");
}

TEST(ConfigFile, EmptyAndCommentOnly) {
    EXPECT_TRUE(ok("").empty());
    EXPECT_TRUE(ok("\n\n").empty());
    EXPECT_TRUE(ok("# nothing here\n   # indented comment\n\n").empty());
}

TEST(ConfigFile, BasicStrings) {
    Values v = ok(R"(url = "https://tacc.cloud/actors/v2/abc/messages")");
    EXPECT_EQ(v, (Values{{"url", "https://tacc.cloud/actors/v2/abc/messages"}}));
    Values e = ok(R"(s = "tab\there\nnew \"quoted\" back\\slash")");
    EXPECT_EQ(e.at("s"), "tab\there\nnew \"quoted\" back\\slash");
    EXPECT_EQ(ok(R"(empty = "")").at("empty"), "");
    // '#' and '=' inside a string are text, not a comment or a separator.
    EXPECT_EQ(ok(R"(s = "a # b = c" # real comment)").at("s"), "a # b = c");
    EXPECT_EQ(ok("s = \"caf\u00e9\"").at("s"), "caf\u00e9");
}

TEST(ConfigFile, LiteralStrings) {
    Values v = ok(R"(path = 'C:\no\escapes\n')");
    EXPECT_EQ(v.at("path"), R"(C:\no\escapes\n)");
    EXPECT_EQ(ok(R"(q = 'say "hi"')").at("q"), R"(say "hi")");
    EXPECT_EQ(ok("e = ''").at("e"), "");
    EXPECT_EQ(ok("c = 'x # y' # z").at("c"), "x # y");
}

TEST(ConfigFile, IntegersAndBooleans) {
    Values v = ok("retries = 5\nmax = 1048576\nneg = -3\nzero = 0\non = true\noff = false\n");
    EXPECT_EQ(v, (Values{{"retries", "5"},
                         {"max", "1048576"},
                         {"neg", "-3"},
                         {"zero", "0"},
                         {"on", "true"},
                         {"off", "false"}}));
}

TEST(ConfigFile, WhitespaceAndTrailingComments) {
    Values v = ok("  a=1  \n\tb =\t'x'\t# c\r\nc = true# d\n   d   =   \"y\"   \n");
    EXPECT_EQ(v, (Values{{"a", "1"}, {"b", "x"}, {"c", "true"}, {"d", "y"}}));
}

TEST(ConfigFile, NoTrailingNewline) {
    EXPECT_EQ(ok("a = 1\nb = 2"), (Values{{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(ok("a = 1\n# last line is a comment"), (Values{{"a", "1"}}));
    EXPECT_EQ(ok("[s]"), Values{});
}

TEST(ConfigFile, SectionsPrefixKeys) {
    Values v = ok("top = 1\n"
                  "[remote]\n"
                  "url = \"https://x\"\n"
                  "retries = 3\n"
                  "\n"
                  "[ server ]  # spaces inside the brackets\n"
                  "listen = '127.0.0.1:8080'\n"
                  "[admin_token-2]\n"
                  "lifetime = 60\n");
    EXPECT_EQ(v, (Values{{"top", "1"},
                         {"remote.url", "https://x"},
                         {"remote.retries", "3"},
                         {"server.listen", "127.0.0.1:8080"},
                         {"admin_token-2.lifetime", "60"}}));
}

TEST(ConfigFile, SameKeyInDifferentSectionsIsFine) {
    Values v = ok("a = 1\n[x]\na = 2\n[y]\na = 3\n");
    EXPECT_EQ(v, (Values{{"a", "1"}, {"x.a", "2"}, {"y.a", "3"}}));
}

TEST(ConfigFile, ErrorsNameTheLine) {
    EXPECT_EQ(error("a = 1\njust words\n"), "line 2: expected key = value");
    EXPECT_EQ(error("\n\n\ns = \"open\n"), "line 4: unterminated string");
    EXPECT_EQ(error("s = 'open\n"), "line 1: unterminated string");
    EXPECT_EQ(error("a = 1\nb = 2\na = 3\n"), "line 3: duplicate key 'a'");
    EXPECT_EQ(error("[x]\na = 1\n[y]\n[x]\na = 2\n"), "line 5: duplicate key 'x.a'");
    EXPECT_EQ(error("a = 1 2\n"), "line 1: unexpected text after the value");
    EXPECT_EQ(error("# c\na = \"x\" y\n"), "line 2: unexpected text after the value");
    EXPECT_EQ(error("a = 'x'y\n"), "line 1: unexpected text after the value");
    EXPECT_EQ(error("[x\n"), "line 1: malformed section header");
    EXPECT_EQ(error("a = 1\n[]\n"), "line 2: malformed section header");
    EXPECT_EQ(error("[a.b]\n"), "line 1: malformed section header");
    EXPECT_EQ(error("[x] junk\n"), "line 1: malformed section header");
    EXPECT_EQ(error("[[x]]\n"), "line 1: malformed section header");
}

TEST(ConfigFile, ValueErrors) {
    EXPECT_EQ(error("a =\n"), "line 1: missing value");
    EXPECT_EQ(error("a = # nothing\n"),
              "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = yes\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = True\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = 1.5\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = 12ab\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = -\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error("a = 1-2\n"), "line 1: expected a quoted string, an integer, true or false");
    EXPECT_EQ(error(R"(a = "bad \q escape")"), "line 1: unsupported escape \\q");
    EXPECT_EQ(error("a = \"ends in backslash\\"), "line 1: unterminated string");
}

TEST(ConfigFile, KeyErrors) {
    EXPECT_EQ(error("= 1\n"), "line 1: malformed key ''");
    EXPECT_EQ(error("a b = 1\n"), "line 1: malformed key 'a b'");
    EXPECT_EQ(error("a.b = 1\n"), "line 1: malformed key 'a.b'");
    EXPECT_EQ(error("\"q\" = 1\n"), "line 1: malformed key '\"q\"'");
}

TEST(ConfigFile, StopsAtTheFirstError) {
    ConfigParse p = parse_config("a = 1\nb = nope\nc = 3\n");
    ASSERT_TRUE(p.error);
    EXPECT_EQ(*p.error, "line 2: expected a quoted string, an integer, true or false");
    EXPECT_FALSE(p.values.count("c"));
}

} // namespace
} // namespace pjm::cli
