// core/lookup over a real SQLite database: job UUIDs in any case and by prefix, pipelines by
// UUID, name or UUID prefix, and the refusals each gives.
#include "core/lookup.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

class LookupTest : public ::testing::Test {
  protected:
    void SetUp() override { storage = store::open(dir.file("pjm.db")); }
    Pipeline add(const std::string& name, const std::string& uuid = "") {
        auto p = register_pipeline(*storage, uuids, name, uuid, "", clock);
        EXPECT_TRUE(p.ok()) << p.message;
        return p.value;
    }
    test::TempDir dir;
    FixedClock clock{1'790'000'000'000};
    UuidFactory uuids{std::string(k_default_uuid_domain)};
    std::unique_ptr<Storage> storage;
};

TEST_F(LookupTest, UuidLikeLowercasesHexOnly) {
    EXPECT_EQ(uuid_like("107ABC-de"), "107abc-de");
    EXPECT_FALSE(uuid_like("107xyz"));
    EXPECT_FALSE(uuid_like(""));
}

TEST_F(LookupTest, FullJobUuidNeedsNoDatabase) {
    auto ok = full_job_uuid("1073F4FF-C2B9-5190-BD9A-E6A406D9796A");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.value, "1073f4ff-c2b9-5190-bd9a-e6a406d9796a");
    EXPECT_EQ(full_job_uuid("1073f4ff").kind, ErrorKind::invalid);
    EXPECT_EQ(full_job_uuid("1063f4ff-c2b9-5190-bd9a-e6a406d9796a").kind, ErrorKind::invalid);
}

TEST_F(LookupTest, JobPrefixes) {
    // Prefix refusals need no job to exist.
    EXPECT_EQ(resolve_job(*storage, "107").kind, ErrorKind::invalid) << "too short";
    EXPECT_EQ(resolve_job(*storage, "107zzzzz").kind, ErrorKind::invalid) << "not hex";
    auto none = resolve_job(*storage, "107fffff");
    EXPECT_EQ(none.kind, ErrorKind::not_found);
    EXPECT_EQ(none.message, "no job's UUID starts with '107fffff'");
    // A full UUID passes without a lookup: the command reading it says whether it exists.
    auto full = resolve_job(*storage, "1073F4FF-C2B9-5190-BD9A-E6A406D9796A");
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full.value, "1073f4ff-c2b9-5190-bd9a-e6a406d9796a");
}

TEST_F(LookupTest, PipelinesByUuidNameOrPrefix) {
    Pipeline a = add("align");
    Pipeline b = add("call");
    std::string upper = a.uuid;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(resolve_pipeline(*storage, upper).value, a.uuid);
    EXPECT_EQ(resolve_pipeline(*storage, "call").value, b.uuid);
    EXPECT_EQ(resolve_pipeline(*storage, a.uuid.substr(0, 12)).value, a.uuid);
    auto unknown = resolve_pipeline(*storage, "nosuch");
    EXPECT_EQ(unknown.kind, ErrorKind::not_found);
    // Two pipelines given one name (with explicit UUIDs): the name is ambiguous, both listed.
    Pipeline twin = add("align", "10600000-0000-5000-8000-000000000001");
    auto both = resolve_pipeline(*storage, "align");
    EXPECT_EQ(both.kind, ErrorKind::usage);
    EXPECT_NE(both.message.find(a.uuid), std::string::npos) << both.message;
    EXPECT_NE(both.message.find(twin.uuid), std::string::npos) << both.message;
}

TEST_F(LookupTest, ClientModeDerivesTheUuidFromTheName) {
    EXPECT_EQ(pipeline_uuid_from_name(uuids, "align"), uuids.pipeline_uuid("align"));
    std::string uuid = uuids.pipeline_uuid("x");
    EXPECT_EQ(pipeline_uuid_from_name(uuids, uuid), uuid);
}

} // namespace
} // namespace pjm::core
