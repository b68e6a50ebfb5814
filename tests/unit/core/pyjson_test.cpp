// Python-compatible rendering (docs/protocol.md#identifiers): repr(float),
// json.dumps(v, sort_keys=True, separators=(',', ':')) and repr() of a list of strings, against
// answers produced by Python 3.
#include "core/pyjson.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pjm::core {
namespace {

using nlohmann::json;

struct FloatCase {
    double value;
    const char* repr;
};

// Every expected text below is what `python3 -c "print(repr(V))"` prints for the literal V that
// is written as the C++ value (hex-float literals are from `float.hex()` where a decimal literal
// would not be exact, e.g. 1/3).
TEST(PyJson, FloatReprMatchesPython) {
    const std::vector<FloatCase> cases = {
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {1.0, "1.0"},
        {-1.0, "-1.0"},
        {-2.5, "-2.5"},
        {0.1, "0.1"},
        {0.5, "0.5"},
        {100.0, "100.0"},
        {123.456, "123.456"},
        {4.35, "4.35"},
        {0.001, "0.001"},
        {0.30000000000000004, "0.30000000000000004"},
        {3.141592653589793, "3.141592653589793"},
        {0x1.5555555555555p-2, "0.3333333333333333"}, // 1/3
        {0x1.5555555555555p-1, "0.6666666666666666"}, // 2/3
        // The fixed/exponent boundary at the small end: 1e-4 is fixed, anything below is not.
        {1e-4, "0.0001"},
        {0.00012345, "0.00012345"},
        {9.999999999999999e-05, "9.999999999999999e-05"},
        {1e-5, "1e-05"},
        {2.5e-05, "2.5e-05"},
        {1e-07, "1e-07"},
        {1.5e-10, "1.5e-10"},
        {-1e-300, "-1e-300"},
        {5e-324, "5e-324"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        // The large end: 16 digits before the point are still fixed, 17 are not.
        {1e15, "1000000000000000.0"},
        {1234567890123456.0, "1234567890123456.0"},
        {9999999999999998.0, "9999999999999998.0"},
        {1e16, "1e+16"},
        {9007199254740992.0, "9007199254740992.0"}, // 2**53
        {12345678901234567.0, "1.2345678901234568e+16"},
        {123456789.123, "123456789.123"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {1e100, "1e+100"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(python_float_repr(c.value), c.repr) << c.repr;
}

TEST(PyJson, NonFiniteFloatsAsJsonDumpsWritesThem) {
    // python3 -c "import json; print(json.dumps([float('inf'), float('-inf'), float('nan')],
    //                                          sort_keys=True, separators=(',',':')))"
    json v = json::array({std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN()});
    EXPECT_EQ(python_json_dumps(v), "[Infinity,-Infinity,NaN]");
}

struct DumpCase {
    std::string input; // a UTF-8 string value
    std::string expected;
};

// Expected values: python3 -c "import json; print(json.dumps(S, sort_keys=True,
//                                                 separators=(',',':')))"
TEST(PyJson, DumpsStringsMatchesPython) {
    std::string all_controls;
    for (int i = 0; i < 0x20; ++i)
        all_controls.push_back(static_cast<char>(i));
    const std::vector<DumpCase> cases = {
        // S = 'say "hi"'
        {"say \"hi\"", R"("say \"hi\"")"},
        // S = 'back\\slash'
        {"back\\slash", R"("back\\slash")"},
        // S = '\n\t\b\f\r'
        {"\n\t\b\f\r", R"("\n\t\b\f\r")"},
        // S = ''.join(chr(i) for i in range(0x20))
        {all_controls,
         R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
         R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c)"
         R"(\u001d\u001e\u001f")"},
        // S = '\x7f'
        {"\x7f", R"("\u007f")"},
        // S = '/ ~ <>&'  (no escaping of '/')
        {"/ ~ <>&", R"("/ ~ <>&")"},
        // S = '\U0001F600\U00010000\U0010FFFF'
        {"\U0001F600\U00010000\U0010FFFF", R"("\ud83d\ude00\ud800\udc00\udbff\udfff")"},
        // S = '\u00e9\u20ac\uffff'
        {"\u00e9\u20ac\uffff", R"("\u00e9\u20ac\uffff")"},
        // S = ''
        {"", R"("")"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(python_json_dumps(json(c.input)), c.expected);
}

TEST(PyJson, DumpsNestedValuesWithSortedKeys) {
    // D = {"z":[1,[2,[3,{}]],[]],"a":{"y":None,"b":True,"B":False},"\u00e9":"x",
    //      "\U0001F600":1,"\uffff":2}
    // python3 -c "import json; print(json.dumps(D, sort_keys=True, separators=(',',':')))"
    json v = json::parse("{\"z\":[1,[2,[3,{}]],[]],\"a\":{\"y\":null,\"b\":true,\"B\":false},"
                         "\"\u00e9\":\"x\",\"\U0001F600\":1,\"\uffff\":2}");
    EXPECT_EQ(python_json_dumps(v),
              R"({"a":{"B":false,"b":true,"y":null},"z":[1,[2,[3,{}]],[]],"\u00e9":"x",)"
              R"("\uffff":2,"\ud83d\ude00":1})");
}

TEST(PyJson, DumpsScalarsAndNumbers) {
    // python3 -c "import json; d=lambda v: json.dumps(v, sort_keys=True, separators=(',',':'));
    //             print(d([]), d({}), d(None), d(True), d(False))"
    EXPECT_EQ(python_json_dumps(json::array()), "[]");
    EXPECT_EQ(python_json_dumps(json::object()), "{}");
    EXPECT_EQ(python_json_dumps(json(nullptr)), "null");
    EXPECT_EQ(python_json_dumps(json(true)), "true");
    EXPECT_EQ(python_json_dumps(json(false)), "false");
    // print(d(json.loads('[1.0, 1, -0.0, -0, 1e16, 10000000000000000, 1E2, -9223372036854775808,
    //                       18446744073709551615]')))
    json v = json::parse(R"([1.0, 1, -0.0, -0, 1e16, 10000000000000000, 1E2,
                            -9223372036854775808, 18446744073709551615])");
    EXPECT_EQ(python_json_dumps(v), "[1.0,1,-0.0,0,1e+16,10000000000000000,100.0,"
                                    "-9223372036854775808,18446744073709551615]");
}

TEST(PyJson, ListRepr) {
    // python3 -c "print(repr(['a', 'b']), repr([]))"
    EXPECT_EQ(python_list_repr({"a", "b"}), "['a', 'b']");
    EXPECT_EQ(python_list_repr({}), "[]");
    EXPECT_EQ(python_list_repr({"1071a831-ce4e-56c7-954b-43d740ea56f4"}),
              "['1071a831-ce4e-56c7-954b-43d740ea56f4']");
    EXPECT_EQ(python_list_repr({""}), "['']");
}

TEST(PyJson, ListReprQuotesAndEscapesAsPython) {
    // python3 -c 'print(repr(["it'"'"'s", "back\\slash", "both'"'"'\"", "say \"hi\""]))'
    EXPECT_EQ(python_list_repr({"it's", "back\\slash", "both'\"", "say \"hi\""}),
              R"(["it's", 'back\\slash', 'both\'"', 'say "hi"'])");
    // python3 -c 'print(repr(["nl\n\t\r\x01\x1f\x7f", "caf\u00e9"]))'
    EXPECT_EQ(python_list_repr({"nl\n\t\r\x01\x1f\x7f", "caf\u00e9"}),
              R"(['nl\n\t\r\x01\x1f\x7f', ')"
              "caf\u00e9"
              R"('])");
}

} // namespace
} // namespace pjm::core
