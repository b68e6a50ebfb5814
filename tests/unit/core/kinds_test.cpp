// The cheap check of event messages (kinds::plainly_valid_event) against the schema it stands
// in for: on many messages, valid and not, it may say "not sure" (false) for a valid one, but
// it must never accept a message the schema refuses, and it must accept the common valid ones.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

using nlohmann::json;

TEST(PlainlyValidEvent, NeverMoreLenientThanTheSchema) {
    const std::string uuid = "1073f4ff-c2b9-5190-bd9a-e6a406d9796a";
    std::vector<json> values = {nullptr,
                                true,
                                7,
                                1.5,
                                "",
                                "x",
                                json::array(),
                                json::object(),
                                json{{"a", 1}},
                                uuid,
                                "1063f4ff-c2b9-5190-bd9a-e6a406d9796a",
                                "1073F4FF-C2B9-5190-BD9A-E6A406D9796A",
                                "run",
                                "Run",
                                "create",
                                "finish",
                                "0123456789abcdef",
                                "0123456789abcdef0",
                                "0123456789abcde",
                                "0123456789abcdef01",
                                "ééééééééééééééé",
                                "éééééééééééééééé"};
    std::vector<std::string> keys = {"uuid", "name", "data", "token", "extra"};
    int accepted = 0, checked = 0;
    // Every message of up to three of these keys, each with every value.
    std::function<void(std::size_t, json)> build = [&](std::size_t from, json m) {
        ++checked;
        bool cheap = kinds::plainly_valid_event(m);
        bool schema = schema_errors("event", m).empty();
        if (cheap) {
            ++accepted;
            EXPECT_TRUE(schema) << "accepted what the schema refuses: " << m.dump();
        }
        if (m.size() == 3) return;
        for (std::size_t k = from; k < keys.size(); ++k)
            for (const auto& v : values) {
                json next = m;
                next[keys[k]] = v;
                build(k + 1, next);
            }
    };
    build(0, json::object());
    EXPECT_GT(checked, 1000);
    EXPECT_GT(accepted, 0);
    // The common shapes are taken without the schema.
    EXPECT_TRUE(kinds::plainly_valid_event({{"uuid", uuid}, {"name", "update"}}));
    EXPECT_TRUE(kinds::plainly_valid_event(
        {{"uuid", uuid}, {"name", "finish"}, {"data", {{"n", 1}}}, {"token", "0123456789abcdef"}}));
    EXPECT_FALSE(kinds::plainly_valid_event(json::array()));
    EXPECT_FALSE(kinds::plainly_valid_event("text"));
}

} // namespace
} // namespace pjm::core
