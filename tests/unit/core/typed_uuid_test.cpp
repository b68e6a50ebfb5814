// Name-based and typed UUIDs (docs/protocol.md#identifiers) against known answers computed with
// Python's uuid and json modules, including job UUIDs derived from pipeline_uuid, data and
// child_of.
//
// Helpers used in the comments below (Python 3):
//   import uuid, json
//   NS = uuid.uuid3(uuid.NAMESPACE_DNS, 'sd2e.org')
//   def job(p, d, c=None, ns=NS):
//       parts = sorted([p, json.dumps(d, sort_keys=True, separators=(',', ':'))]
//                      + ([repr(c)] if c is not None else []))
//       u = str(uuid.uuid5(ns, ':'.join(parts))); return '107' + u[3:]
//   P = '106114bd-6f37-5c30-8fa2-d4b5bfb60cf7'
#include "core/typed_uuid.hpp"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pjm::core {
namespace {

using nlohmann::json;

const std::string k_pipeline = "106114bd-6f37-5c30-8fa2-d4b5bfb60cf7";

struct NameCase {
    std::string name;
    std::string v3; // uuid.uuid3(uuid.NAMESPACE_DNS, name)
    std::string v5; // uuid.uuid5(uuid.NAMESPACE_DNS, name)
};

TEST(TypedUuid, Uuid3AndUuid5MatchPython) {
    // python3 -c "import uuid; n='hello'; print(uuid.uuid3(uuid.NAMESPACE_DNS, n),
    //                                             uuid.uuid5(uuid.NAMESPACE_DNS, n))"
    const std::vector<NameCase> cases = {
        {"", "c87ee674-4ddc-3efe-a74e-dfe25da5d7b3", "4ebd0208-8328-5d69-8c44-ec50939c0967"},
        {"hello", "0bacede4-4014-3f9d-b720-173f68a1c933", "9342d47a-1bab-5709-9869-c840b2eac501"},
        {"python.org", "6fa459ea-ee8a-3ca4-894e-db77e160355e",
         "886313e1-3b8a-5372-9b90-0c9aee199e5d"},
        // Python encodes the name as UTF-8.
        {"\u00fcn\u00efcode", "5159516a-62a2-3282-8ed2-66306c6a12ff",
         "2d5fc50d-03b9-5ca4-ba22-774ed0d2abd1"},
        {"a:b:c", "6a235246-1477-3bbd-b579-7c5fe0bd1825", "0358b88b-2f41-5b6a-b2ad-6254b7c0ea5f"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(uuid3(k_namespace_dns, c.name), c.v3) << c.name;
        EXPECT_EQ(uuid5(k_namespace_dns, c.name), c.v5) << c.name;
    }
}

TEST(TypedUuid, OtherNamespaceAndUppercaseNamespaceText) {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.org/x'))"
    const std::string url_ns = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
    EXPECT_EQ(uuid5(url_ns, "https://example.org/x"), "fdb420ba-c7a0-5bc0-b348-39fd508cc82c");
    // The namespace's text form may be upper-case; the result is always lower-case.
    EXPECT_EQ(uuid5("6BA7B811-9DAD-11D1-80B4-00C04FD430C8", "https://example.org/x"),
              "fdb420ba-c7a0-5bc0-b348-39fd508cc82c");
}

TEST(TypedUuid, VersionAndVariantBits) {
    std::string u3 = uuid3(k_namespace_dns, "x");
    std::string u5 = uuid5(k_namespace_dns, "x");
    EXPECT_EQ(u3[14], '3');
    EXPECT_EQ(u5[14], '5');
    EXPECT_NE(std::string("89ab").find(u3[19]), std::string::npos);
    EXPECT_NE(std::string("89ab").find(u5[19]), std::string::npos);
}

TEST(TypedUuid, DefaultNamespaceIsUuid3OfSd2e) {
    // python3 -c "import uuid; print(uuid.uuid3(uuid.NAMESPACE_DNS, 'sd2e.org'))"
    const std::string expected = "54765aeb-44ca-374a-9a9f-eb4658383ee4";
    EXPECT_EQ(uuid3(k_namespace_dns, "sd2e.org"), expected);
    EXPECT_EQ(UuidFactory().namespace_uuid(), expected);
    EXPECT_EQ(UuidFactory("sd2e.org").namespace_uuid(), expected);
}

TEST(TypedUuid, OtherDomainGivesOtherNamespace) {
    // python3 -c "import uuid; print(uuid.uuid3(uuid.NAMESPACE_DNS, 'example.org'))"
    UuidFactory other("example.org");
    EXPECT_EQ(other.namespace_uuid(), "04738bdf-b25a-3829-a801-b21a1d25095b");
    EXPECT_NE(other.namespace_uuid(), UuidFactory().namespace_uuid());
    // job(P, {}, None, uuid.uuid3(uuid.NAMESPACE_DNS, 'example.org'))
    EXPECT_EQ(other.job_uuid(k_pipeline, json::object()), "10762760-32aa-53e2-9598-bbdef8fb3e0c");
    EXPECT_NE(other.job_uuid(k_pipeline, json::object()),
              UuidFactory().job_uuid(k_pipeline, json::object()));
}

TEST(TypedUuid, TypePrefixes) {
    EXPECT_EQ(type_prefix(UuidType::pipeline), "106");
    EXPECT_EQ(type_prefix(UuidType::job), "107");
    EXPECT_EQ(type_prefix(UuidType::event), "108");
}

TEST(TypedUuid, TypedReplacesFirstThreeHexDigits) {
    // python3 -c "import uuid; NS=uuid.uuid3(uuid.NAMESPACE_DNS,'sd2e.org');
    //             print(uuid.uuid5(NS, 'alpha'))"   -> 9e4114bd-6f37-5c30-8fa2-d4b5bfb60cf7
    UuidFactory f;
    EXPECT_EQ(f.typed(UuidType::pipeline, "alpha"), "106114bd-6f37-5c30-8fa2-d4b5bfb60cf7");
    EXPECT_EQ(f.typed(UuidType::job, "alpha"), "107114bd-6f37-5c30-8fa2-d4b5bfb60cf7");
    EXPECT_EQ(f.typed(UuidType::event, "alpha"), "108114bd-6f37-5c30-8fa2-d4b5bfb60cf7");
    EXPECT_EQ(f.pipeline_uuid("alpha"), "106114bd-6f37-5c30-8fa2-d4b5bfb60cf7");
    // print(uuid.uuid5(NS, 'tacobot')) -> 3620a76f-d0c9-5da0-8171-a725724d4e0d
    EXPECT_EQ(f.pipeline_uuid("tacobot"), "1060a76f-d0c9-5da0-8171-a725724d4e0d");
    EXPECT_EQ(f.typed(UuidType::job, "tacobot"), "1070a76f-d0c9-5da0-8171-a725724d4e0d");
    // print(uuid.uuid5(NS, '')) -> ebc1a831-ce4e-56c7-954b-43d740ea56f4
    EXPECT_EQ(f.typed(UuidType::event, ""), "1081a831-ce4e-56c7-954b-43d740ea56f4");
}

struct JobCase {
    const char* what;
    const char* data; // JSON text, parsed the same way by json.loads on the Python side
    std::vector<std::string> child_of;
    bool has_child_of;
    const char* expected;
};

TEST(TypedUuid, JobUuidKnownAnswers) {
    const std::vector<JobCase> cases = {
        // job(P, json.loads('{"b": 1, "a": {"d": [1, 2, {"z": null, "y": true}], "c": "x"},
        //                    "A": false}'))
        {"nested objects, unsorted keys",
         R"({"b": 1, "a": {"d": [1, 2, {"z": null, "y": true}], "c": "x"}, "A": false})",
         {},
         false,
         "1074d7d8-50a7-5956-bb1c-591645a35aff"},
        // job(P, json.loads('{"f": [0.1, 1e-07, 1.0, 1e16, 123456789.123, -0.0,
        //                           0.30000000000000004, 2.5e-05]}'))
        {"floats",
         R"({"f": [0.1, 1e-07, 1.0, 1e16, 123456789.123, -0.0, 0.30000000000000004, 2.5e-05]})",
         {},
         false,
         "10715602-9470-58f7-97d1-b4a85e170259"},
        // job(P, json.loads('{"big": 18446744073709551615, "min": -9223372036854775808,
        //                     "max": 9223372036854775807, "neg0": -0}'))
        {"large integers",
         R"({"big": 18446744073709551615, "min": -9223372036854775808,
             "max": 9223372036854775807, "neg0": -0})",
         {},
         false,
         "107bdf58-303b-5c07-86c8-8a8c727a6b18"},
        // job(P, json.loads('{"name": "caf\u00e9", "emoji": "\U0001F600",
        //                     "\u043a\u043b\u044e\u0447": "\u4e2d\u6587", "z": "\uffff"}'))
        {"non-ASCII and surrogate pairs",
         "{\"name\": \"caf\u00e9\", \"emoji\": \"\U0001F600\", "
         "\"\u043a\u043b\u044e\u0447\": \"\u4e2d\u6587\", \"z\": \"\uffff\"}",
         {},
         false,
         "107fca8c-1a56-51e3-83a6-7f719b60cb7b"},
        // job(P, json.loads(r'{"s": "tab\there\nnl \u0000 \u001f \u007f \"q\" \\ / \b\f\r"}'))
        {"control characters",
         R"({"s": "tab\there\nnl \u0000 \u001f \u007f \"q\" \\ / \b\f\r"})",
         {},
         false,
         "107dc8c8-d6c3-562b-8756-97b16f70c0dd"},
        // job(P, {'sample': 's1'}, ['1071a831-ce4e-56c7-954b-43d740ea56f4',
        //                           '1070a76f-d0c9-5da0-8171-a725724d4e0d'])
        {"child_of list",
         R"({"sample": "s1"})",
         {"1071a831-ce4e-56c7-954b-43d740ea56f4", "1070a76f-d0c9-5da0-8171-a725724d4e0d"},
         true,
         "107422a9-4c62-5a2c-92f0-36bcdd54fa22"},
        // job(P, {})
        {"empty data", "{}", {}, false, "107cb07d-715e-52ae-a996-1b187eab8a0f"},
        // job(P, {}, [])   (repr([]) == '[]' is still a part of the name)
        {"empty child_of", "{}", {}, true, "10768a83-500b-5022-8b01-c8ed5ebf249e"},
        // job(P, 'abc')   ('"abc"' sorts before the pipeline UUID)
        {"data sorting first", R"("abc")", {}, false, "107fd60d-38ff-595a-9f48-ebaf9f7cced3"},
    };
    UuidFactory f;
    for (const auto& c : cases) {
        json data = json::parse(c.data);
        std::string got = f.job_uuid(k_pipeline, data, c.has_child_of ? &c.child_of : nullptr);
        EXPECT_EQ(got, c.expected) << c.what;
        EXPECT_TRUE(is_typed_uuid(got, UuidType::job)) << c.what;
    }
}

TEST(TypedUuid, JobUuidIgnoresKeyOrderButNotValues) {
    UuidFactory f;
    json a = json::parse(R"({"x": 1, "y": {"b": 2, "a": 3}})");
    json b = json::parse(R"({"y": {"a": 3, "b": 2}, "x": 1})");
    json c = json::parse(R"({"y": {"a": 3, "b": 2}, "x": 1.0})");
    EXPECT_EQ(f.job_uuid(k_pipeline, a), f.job_uuid(k_pipeline, b));
    // 1 and 1.0 render differently in Python ("1" vs "1.0"), so the UUIDs differ.
    EXPECT_NE(f.job_uuid(k_pipeline, a), f.job_uuid(k_pipeline, c));
    EXPECT_NE(f.job_uuid(k_pipeline, a), f.job_uuid("106114bd-6f37-5c30-8fa2-d4b5bfb60cf8", a));
    std::vector<std::string> one = {"1071a831-ce4e-56c7-954b-43d740ea56f4"};
    EXPECT_NE(f.job_uuid(k_pipeline, a), f.job_uuid(k_pipeline, a, &one));
}

TEST(TypedUuid, RandomEventUuidsAreTypedAndDistinct) {
    UuidFactory f;
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        std::string u = f.random_event_uuid();
        EXPECT_TRUE(is_typed_uuid(u, UuidType::event)) << u;
        seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 50u);
}

TEST(TypedUuid, IsTypedUuidAccepts) {
    EXPECT_TRUE(is_typed_uuid("1074d7d8-50a7-5956-bb1c-591645a35aff", UuidType::job));
    EXPECT_TRUE(is_typed_uuid("106114bd-6f37-5c30-8fa2-d4b5bfb60cf7", UuidType::pipeline));
    EXPECT_TRUE(is_typed_uuid("108114bd-6f37-5c30-8fa2-d4b5bfb60cf7", UuidType::event));
    EXPECT_TRUE(is_typed_uuid("10700000-0000-0000-0000-000000000000", UuidType::job));
    EXPECT_TRUE(is_typed_uuid("107fffff-ffff-ffff-ffff-ffffffffffff", UuidType::job));
}

TEST(TypedUuid, IsTypedUuidRejects) {
    const std::vector<std::string> bad = {
        "",
        "1074D7D8-50A7-5956-BB1C-591645A35AFF",  // upper case
        "1074d7d8-50a7-5956-bb1c-591645a35afF",  // one upper-case digit
        "1064d7d8-50a7-5956-bb1c-591645a35aff",  // pipeline prefix
        "1084d7d8-50a7-5956-bb1c-591645a35aff",  // event prefix
        "9e4114bd-6f37-5c30-8fa2-d4b5bfb60cf7",  // plain UUID5
        "1074d7d8-50a7-5956-bb1c-591645a35af",   // 35 characters
        "1074d7d8-50a7-5956-bb1c-591645a35afff", // 37 characters
        "1074d7d850a75956bb1c591645a35aff",      // no dashes
        "1074d7d8-50a75-956-bb1c-591645a35aff",  // dash in the wrong place
        "1074d7d8_50a7_5956_bb1c_591645a35aff",  // underscores
        "1074d7d8-50a7-5956-bb1c-591645a35ag0",  // not hex
        "{1074d7d8-50a7-5956-bb1c-591645a35af}", // braces
        " 1074d7d8-50a7-5956-bb1c-591645a35af",  // leading space
    };
    for (const auto& s : bad)
        EXPECT_FALSE(is_typed_uuid(s, UuidType::job)) << s;
    EXPECT_FALSE(is_typed_uuid("1074d7d8-50a7-5956-bb1c-591645a35aff", UuidType::pipeline));
    EXPECT_FALSE(is_typed_uuid("106114bd-6f37-5c30-8fa2-d4b5bfb60cf7", UuidType::event));
}

} // namespace
} // namespace pjm::core
