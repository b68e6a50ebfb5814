// What the Abaco client derives without the network: status mapping and URL handling.
#include "remote/abaco_client.hpp"

#include <gtest/gtest.h>

namespace pjm::remote {
namespace {

TEST(AbacoClient, StatusKinds) {
    EXPECT_EQ(kind_for_status(200), core::ErrorKind::ok);
    EXPECT_EQ(kind_for_status(400), core::ErrorKind::invalid);
    EXPECT_EQ(kind_for_status(401), core::ErrorKind::unauthorized);
    EXPECT_EQ(kind_for_status(403), core::ErrorKind::unauthorized);
    EXPECT_EQ(kind_for_status(404), core::ErrorKind::not_found);
    EXPECT_EQ(kind_for_status(409), core::ErrorKind::conflict);
    EXPECT_EQ(kind_for_status(500), core::ErrorKind::remote);
    EXPECT_EQ(kind_for_status(503), core::ErrorKind::remote);
}

TEST(AbacoClient, OutboxUrlDropsTheNonceKeepsTheRest) {
    AbacoClient c("https://t/actors/v2/A/messages?x-nonce=SECRET&site=x", {}, {});
    EXPECT_EQ(c.messages_url_without_credentials(), "https://t/actors/v2/A/messages?site=x");
    AbacoClient plain("https://t/actors/v2/A/messages/",
                      {std::nullopt, "N", std::nullopt, std::nullopt}, {});
    EXPECT_EQ(plain.messages_url_without_credentials(), "https://t/actors/v2/A/messages");
}

TEST(AbacoClient, MalformedUrlQueryIsRefused) {
    EXPECT_THROW(AbacoClient("https://t/actors/v2/A/messages?x=%zz", {}, {}),
                 std::invalid_argument);
}

} // namespace
} // namespace pjm::remote
