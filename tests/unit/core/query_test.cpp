// URL query strings: parsing with '+' and %XX decoding, lookup, and percent-encoding round trips.
#include "core/query.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

using Items = std::vector<std::pair<std::string, std::string>>;

TEST(Query, ParsesPairsInOrder) {
    auto q = QueryParams::parse("uuid=1074d7d8&name=finish&token=0dc73dc3ff39b49a");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->items(),
              (Items{{"uuid", "1074d7d8"}, {"name", "finish"}, {"token", "0dc73dc3ff39b49a"}}));
    EXPECT_EQ(q->get("name"), "finish");
    EXPECT_TRUE(q->has("token"));
    EXPECT_FALSE(q->has("x-nonce"));
    EXPECT_FALSE(q->get("Name").has_value()); // keys are case-sensitive
    EXPECT_FALSE(q->empty());
}

TEST(Query, LeadingQuestionMarkIsIgnored) {
    auto q = QueryParams::parse("?a=1&b=2");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->items(), (Items{{"a", "1"}, {"b", "2"}}));
    // Only one: a second '?' is part of the key.
    auto q2 = QueryParams::parse("??a=1");
    ASSERT_TRUE(q2);
    EXPECT_EQ(q2->items(), (Items{{"?a", "1"}}));
}

TEST(Query, PlusIsSpaceAndPercentEscapesAreDecoded) {
    auto q =
        QueryParams::parse("msg=hello+world&p=%2Fa%2fb%20c&plus=%2B&amp=%26&eq=a%3Db&u=caf%C3%A9");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->get("msg"), "hello world");
    EXPECT_EQ(q->get("p"), "/a/b c");
    EXPECT_EQ(q->get("plus"), "+");
    EXPECT_EQ(q->get("amp"), "&");
    EXPECT_EQ(q->get("eq"), "a=b");
    EXPECT_EQ(q->get("u"), "caf\u00e9");
    // Keys are decoded too.
    auto k = QueryParams::parse("x%2Dnonce=1&a+b=2");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->get("x-nonce"), "1");
    EXPECT_EQ(k->get("a b"), "2");
}

TEST(Query, ValueMayContainEquals) {
    auto q = QueryParams::parse("data=a=b=c");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->get("data"), "a=b=c");
}

TEST(Query, MalformedPercentEscapesAreRefused) {
    for (std::string_view text :
         {"a=%", "a=%4", "a=%G1", "a=%1G", "a=x%zz", "%=1", "a=1&b=%", "a%2=1", "a=%%41"}) {
        EXPECT_FALSE(QueryParams::parse(text).has_value()) << text;
    }
    // At the very end, a complete escape is fine.
    auto q = QueryParams::parse("a=%41");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->get("a"), "A");
}

TEST(Query, EmptyPairsAreSkipped) {
    auto q = QueryParams::parse("&&a=1&&b=2&");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->items(), (Items{{"a", "1"}, {"b", "2"}}));
    auto empty = QueryParams::parse("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    auto just_mark = QueryParams::parse("?");
    ASSERT_TRUE(just_mark);
    EXPECT_TRUE(just_mark->empty());
}

TEST(Query, KeyWithoutValueAndEmptyValues) {
    auto q = QueryParams::parse("flag&empty=&=v");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->items(), (Items{{"flag", ""}, {"empty", ""}, {"", "v"}}));
    EXPECT_TRUE(q->has("flag"));
    EXPECT_EQ(q->get("empty"), "");
}

TEST(Query, RepeatedKeysFirstWins) {
    auto q = QueryParams::parse("name=run&name=finish&event=x");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->get("name"), "run");
    EXPECT_EQ(q->items().size(), 3u); // both kept, in order
    EXPECT_EQ(q->items()[1].second, "finish");
}

TEST(Query, AddAndGet) {
    QueryParams q;
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.get("a"));
    q.add("a", "1");
    q.add("a", "2");
    EXPECT_EQ(q.get("a"), "1");
    EXPECT_EQ(q.encode(), "a=1&a=2");
}

TEST(Query, PercentEncodeLeavesOnlyUnreservedCharacters) {
    EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(percent_encode(" "), "%20");
    EXPECT_EQ(percent_encode("a+b&c=d/e?f#g%"), "a%2Bb%26c%3Dd%2Fe%3Ff%23g%25");
    EXPECT_EQ(percent_encode("caf\u00e9"), "caf%C3%A9");
    EXPECT_EQ(percent_encode(std::string("\0\x7f\xff", 3)), "%00%7F%FF");
    EXPECT_EQ(percent_encode(""), "");
}

TEST(Query, EncodeParseRoundTrip) {
    QueryParams q;
    q.add("uuid", "1074d7d8-50a7-5956-bb1c-591645a35aff");
    q.add("data", R"({"a": [1, 2], "b": "x&y=z"})");
    q.add("space and+plus", "100% sure?");
    q.add("empty", "");
    q.add("utf8", "\U0001F600 caf\u00e9");
    q.add("name", "first");
    q.add("name", "second");
    std::string text = q.encode();
    EXPECT_EQ(text.find(' '), std::string::npos) << text;
    EXPECT_EQ(text.find('+'), std::string::npos) << text;
    auto back = QueryParams::parse(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back->items(), q.items());
    EXPECT_EQ(back->encode(), text);
    EXPECT_EQ(back->get("name"), "first");
}

TEST(Query, EncodeKnownAnswer) {
    // python3 -c "import urllib.parse as u; print(u.urlencode([('a b', 'x/y'), ('k', 'v~1')],
    //                                                  quote_via=u.quote, safe=''))"
    QueryParams q;
    q.add("a b", "x/y");
    q.add("k", "v~1");
    EXPECT_EQ(q.encode(), "a%20b=x%2Fy&k=v~1");
}

} // namespace
} // namespace pjm::core
