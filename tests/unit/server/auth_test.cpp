// pjm serve's credentials: the files' format and the check before any body is read.
#include "server/auth.hpp"
#include "test_support.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

using Lines = std::vector<std::string>;

TEST(SecretLines, OneValueALineTrimmedWithoutBlanksOrComments) {
    EXPECT_EQ(parse_secret_lines("a\nb\n"), (Lines{"a", "b"}));
    EXPECT_EQ(parse_secret_lines("  a \t\r\n\r\n# a comment\n\n b"), (Lines{"a", "b"}));
    EXPECT_EQ(parse_secret_lines(""), Lines{});
    EXPECT_EQ(parse_secret_lines("\n \n# only comments\n"), Lines{});
    EXPECT_EQ(parse_secret_lines("with inner space"), Lines{"with inner space"});
}

TEST(Authenticator, AcceptsAKnownBearerOrNonce) {
    Authenticator a({"b1", "b2"}, {"n1"}, false);
    EXPECT_TRUE(a.check("Bearer b1", std::nullopt).ok());
    EXPECT_TRUE(a.check("Bearer b2", std::nullopt).ok());
    EXPECT_TRUE(a.check("bearer   b2  ", std::nullopt).ok()); // scheme is case-insensitive
    EXPECT_TRUE(a.check(std::nullopt, "n1").ok());
    // One good credential is enough.
    EXPECT_TRUE(a.check("Bearer wrong", "n1").ok());
    EXPECT_TRUE(a.check("Bearer b1", "wrong").ok());
}

TEST(Authenticator, MissingAndUnknownAreTold) {
    Authenticator a({"b1"}, {"n1"}, false);
    AuthResult none = a.check(std::nullopt, std::nullopt);
    EXPECT_EQ(none.status, AuthStatus::missing);
    EXPECT_NE(none.message.find("no credentials"), std::string::npos);
    AuthResult bad = a.check("Bearer b10", std::nullopt);
    EXPECT_EQ(bad.status, AuthStatus::refused);
    EXPECT_NE(bad.message.find("unknown bearer token"), std::string::npos);
    EXPECT_EQ(a.check(std::nullopt, "n").status, AuthStatus::refused);
    EXPECT_EQ(a.check("Basic YWI6Y2Q=", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(a.check("Bearer", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(a.check("Bearer ", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(a.check(std::nullopt, "").status, AuthStatus::refused);
}

TEST(Authenticator, MessagesNeverHoldTheSecrets) {
    Authenticator a({"secret-bearer"}, {"secret-nonce"}, false);
    for (const auto& r :
         {a.check("Bearer secret-bearerX", "secret-nonceX"),
          a.check("Bearer secret-nonce", std::nullopt), a.check(std::nullopt, "secret-bearer")}) {
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.message.find("secret"), std::string::npos) << r.message;
    }
}

TEST(Authenticator, ABearerIsNoNonceAndTheOtherWayRound) {
    Authenticator a({"b"}, {"n"}, false);
    EXPECT_FALSE(a.check("Bearer n", std::nullopt).ok());
    EXPECT_FALSE(a.check(std::nullopt, "b").ok());
    Authenticator nonces_only({}, {"n"}, false);
    AuthResult r = nonces_only.check("Bearer n", std::nullopt);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.message.find("accepts no bearer tokens"), std::string::npos);
}

TEST(Authenticator, NoAuthAcceptsEverything) {
    Authenticator a({}, {}, true);
    EXPECT_TRUE(a.check(std::nullopt, std::nullopt).ok());
    EXPECT_TRUE(a.check("Bearer anything", "anything").ok());
    Authenticator closed({}, {}, false);
    EXPECT_FALSE(closed.check("Bearer x", "y").ok());
}

TEST(Authenticator, ReadsItsFiles) {
    test::TempDir dir;
    const std::string b1 = "bearer-one-0123456789", b2 = "bearer-two-0123456789";
    const std::string n1 = "nonce-one-0123456789";
    std::ofstream(dir.file("bearers")) << "# site tokens\n" << b1 << "\n\n" << b2 << "\n";
    std::ofstream(dir.file("nonces")) << n1 << "\r\n";
    std::ofstream(dir.file("short")) << b1 << "\nabcdefghijklmno\n"; // 15 characters
    std::ofstream(dir.file("empty")) << "# nothing yet\n";
    auto a = Authenticator::from_files(dir.file("bearers"), dir.file("nonces"), false);
    EXPECT_EQ(a.bearer_count(), 2u);
    EXPECT_EQ(a.nonce_count(), 1u);
    EXPECT_TRUE(a.check("Bearer " + b2, std::nullopt).ok());
    EXPECT_TRUE(a.check(std::nullopt, n1).ok());
    EXPECT_FALSE(a.check("Bearer " + b2.substr(0, 20), std::nullopt).ok()); // a prefix
    EXPECT_FALSE(a.check("Bearer " + b2 + "x", std::nullopt).ok());
    try {
        Authenticator::from_files(dir.file("short"), std::nullopt, false);
        ADD_FAILURE() << "a 15-character bearer token was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("value 2 has 15 characters; at least 16"),
                  std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find("abcdefghijklmno"), std::string::npos); // unshown
    }
    auto only = Authenticator::from_files(std::nullopt, dir.file("nonces"), false);
    EXPECT_EQ(only.bearer_count(), 0u);
    EXPECT_THROW(Authenticator::from_files(dir.file("missing"), std::nullopt, false),
                 std::invalid_argument);
    EXPECT_THROW(Authenticator::from_files(dir.file("empty"), std::nullopt, false),
                 std::invalid_argument);
    EXPECT_THROW(Authenticator::from_files(dir.path().string(), std::nullopt, false),
                 std::invalid_argument);
}

} // namespace
} // namespace pjm::server
