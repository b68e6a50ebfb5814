// pjm serve's credentials: the files' format and the check before any body is read.
#include "core/hash.hpp"
#include "server/auth.hpp"
#include "test_support.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

using Lines = std::vector<std::string>;

// A request under /actors/v2 with these credentials, checked now.
AuthResult v2(const Authenticator& a, std::optional<std::string> authorization,
              std::optional<std::string> nonce) {
    Presented p;
    p.authorization = std::move(authorization);
    p.nonce = std::move(nonce);
    return a.check(p, 0);
}

Authenticator from_files(std::optional<std::string> bearers, std::optional<std::string> nonces,
                         bool no_auth) {
    CredentialSources c;
    c.bearer_file = std::move(bearers);
    c.nonce_file = std::move(nonces);
    c.no_auth = no_auth;
    return Authenticator::from_sources(c);
}

TEST(SecretLines, OneValueALineTrimmedWithoutBlanksOrComments) {
    EXPECT_EQ(parse_secret_lines("a\nb\n"), (Lines{"a", "b"}));
    EXPECT_EQ(parse_secret_lines("  a \t\r\n\r\n# a comment\n\n b"), (Lines{"a", "b"}));
    EXPECT_EQ(parse_secret_lines(""), Lines{});
    EXPECT_EQ(parse_secret_lines("\n \n# only comments\n"), Lines{});
    EXPECT_EQ(parse_secret_lines("with inner space"), Lines{"with inner space"});
}

TEST(Authenticator, AcceptsAKnownBearerOrNonce) {
    Authenticator a({"b1", "b2"}, {"n1"}, false);
    EXPECT_TRUE(v2(a, "Bearer b1", std::nullopt).ok());
    EXPECT_TRUE(v2(a, "Bearer b2", std::nullopt).ok());
    EXPECT_TRUE(v2(a, "bearer   b2  ", std::nullopt).ok()); // scheme is case-insensitive
    EXPECT_TRUE(v2(a, std::nullopt, "n1").ok());
    // One good credential is enough.
    EXPECT_TRUE(v2(a, "Bearer wrong", "n1").ok());
    EXPECT_TRUE(v2(a, "Bearer b1", "wrong").ok());
}

// Basic credentials (Nextflow's weblog.basicToken) with a bearer token as the password: any
// user, the password compared as a bearer token is.
TEST(Authenticator, BasicWithABearerTokenAsPassword) {
    Authenticator a({"b1"}, {"n1"}, false);
    auto basic = [](const std::string& user_password) {
        return "Basic " + core::base64(reinterpret_cast<const std::uint8_t*>(user_password.data()),
                                       user_password.size());
    };
    EXPECT_TRUE(v2(a, basic("nextflow:b1"), std::nullopt).ok());
    EXPECT_TRUE(v2(a, basic(":b1"), std::nullopt).ok());
    EXPECT_TRUE(v2(a, "basic  " + basic("u:b1").substr(6) + " ", std::nullopt).ok());
    EXPECT_EQ(v2(a, basic("u:b1"), std::nullopt).identity, "bearer-1");
    EXPECT_TRUE(v2(a, basic("u:p:b1"), std::nullopt).status == AuthStatus::refused);
    EXPECT_EQ(v2(a, basic("b1:"), std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(v2(a, basic("b1"), std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(v2(a, basic("u:n1"), std::nullopt).status, AuthStatus::refused); // not a nonce
    EXPECT_EQ(v2(a, "Basic u:b1", std::nullopt).status, AuthStatus::refused);  // not base64
    AuthResult wrong = v2(a, basic("u:b2"), std::nullopt);
    EXPECT_NE(wrong.message.find("unknown bearer token"), std::string::npos);
    EXPECT_EQ(wrong.message.find("b2"), std::string::npos);
}

TEST(Authenticator, MissingAndUnknownAreTold) {
    Authenticator a({"b1"}, {"n1"}, false);
    AuthResult none = v2(a, std::nullopt, std::nullopt);
    EXPECT_EQ(none.status, AuthStatus::missing);
    EXPECT_NE(none.message.find("no credentials"), std::string::npos);
    AuthResult bad = v2(a, "Bearer b10", std::nullopt);
    EXPECT_EQ(bad.status, AuthStatus::refused);
    EXPECT_NE(bad.message.find("unknown bearer token"), std::string::npos);
    EXPECT_EQ(v2(a, std::nullopt, "n").status, AuthStatus::refused);
    EXPECT_EQ(v2(a, "Basic YWI6Y2Q=", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(v2(a, "Bearer", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(v2(a, "Bearer ", std::nullopt).status, AuthStatus::refused);
    EXPECT_EQ(v2(a, std::nullopt, "").status, AuthStatus::refused);
}

TEST(Authenticator, MessagesNeverHoldTheSecrets) {
    Authenticator a({"secret-bearer"}, {"secret-nonce"}, false);
    for (const auto& r :
         {v2(a, "Bearer secret-bearerX", "secret-nonceX"),
          v2(a, "Bearer secret-nonce", std::nullopt), v2(a, std::nullopt, "secret-bearer")}) {
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.message.find("secret"), std::string::npos) << r.message;
    }
}

TEST(Authenticator, ABearerIsNoNonceAndTheOtherWayRound) {
    Authenticator a({"b"}, {"n"}, false);
    EXPECT_FALSE(v2(a, "Bearer n", std::nullopt).ok());
    EXPECT_FALSE(v2(a, std::nullopt, "b").ok());
    Authenticator nonces_only({}, {"n"}, false);
    AuthResult r = v2(nonces_only, "Bearer n", std::nullopt);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.message.find("accepts no bearer tokens"), std::string::npos);
}

TEST(Authenticator, TheIdentityNamesTheCredentialNotItsSecret) {
    Authenticator a({"b1", "b2"}, {"n1"}, false);
    EXPECT_EQ(v2(a, "Bearer b2", std::nullopt).identity, "bearer-2");
    EXPECT_EQ(v2(a, std::nullopt, "n1").identity, "nonce-1");
    EXPECT_EQ(v2(Authenticator({}, {}, true), std::nullopt, std::nullopt).identity, "anonymous");
}

TEST(Authenticator, EachTreeItsOwnHeader) {
    test::TempDir dir;
    std::ofstream(dir.file("tapis")) << "tapis-token-0123456789\n";
    std::ofstream(dir.file("bearers")) << "bearer-token-0123456789\n";
    CredentialSources c;
    c.bearer_file = dir.file("bearers");
    c.tapis_token_file = dir.file("tapis");
    auto a = Authenticator::from_sources(c);
    Presented v3;
    v3.v3 = true;
    v3.tapis_token = "tapis-token-0123456789";
    AuthResult ok = a.check(v3, 0);
    EXPECT_TRUE(ok.ok()) << ok.message;
    EXPECT_EQ(ok.identity, "tapis-token-1");
    v3.tapis_token = "tapis-token-x";
    EXPECT_NE(a.check(v3, 0).message.find("unknown Tapis token"), std::string::npos);
    Presented bearer_on_v3;
    bearer_on_v3.v3 = true;
    bearer_on_v3.authorization = "Bearer bearer-token-0123456789";
    AuthResult wrong_tree = a.check(bearer_on_v3, 0);
    EXPECT_FALSE(wrong_tree.ok());
    EXPECT_NE(wrong_tree.message.find("send it to /actors/v2"), std::string::npos)
        << wrong_tree.message;
    Presented token_on_v2;
    token_on_v2.tapis_token = "tapis-token-0123456789";
    AuthResult wrong = a.check(token_on_v2, 0);
    EXPECT_FALSE(wrong.ok());
    EXPECT_NE(wrong.message.find("Tapis v3 credential"), std::string::npos) << wrong.message;
}

TEST(Authenticator, AViewerCredentialIsNeitherAMessageNorAnAdminCredential) {
    test::TempDir dir;
    std::ofstream(dir.file("bearers")) << "bearer-token-0123456789\n";
    std::ofstream(dir.file("viewers")) << "viewer-one-0123456789\nviewer-two-0123456789\n";
    std::ofstream(dir.file("admins")) << "admin-cred-0123456789\n";
    CredentialSources c;
    c.bearer_file = dir.file("bearers");
    c.viewer_credential_file = dir.file("viewers");
    c.admin_credential_file = dir.file("admins");
    auto a = Authenticator::from_sources(c);
    EXPECT_EQ(a.viewer_count(), 2u);
    Presented viewer;
    viewer.authorization = "Bearer viewer-two-0123456789";
    AuthResult ok = a.check_viewer(viewer);
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(ok.identity, "viewer-2");
    viewer.v3 = true;
    EXPECT_TRUE(a.check_viewer(viewer).ok()) << "a viewer reads either tree";
    viewer.v3 = false;
    EXPECT_FALSE(a.check(viewer, 0).ok()) << "a viewer sends no message";
    EXPECT_FALSE(a.check_admin(viewer).ok()) << "a viewer is no admin";
    Presented bearer;
    bearer.authorization = "Bearer bearer-token-0123456789";
    EXPECT_FALSE(a.check_viewer(bearer).ok()) << "a message credential is checked by check()";
    Presented nonce;
    nonce.nonce = "viewer-one-0123456789";
    EXPECT_FALSE(a.check_viewer(nonce).ok()) << "a viewer credential never travels in a URL";
    Authenticator none({}, {}, false);
    EXPECT_FALSE(none.check_viewer(viewer).ok());
}

TEST(Authenticator, NoAuthAcceptsEverything) {
    Authenticator a({}, {}, true);
    EXPECT_TRUE(v2(a, std::nullopt, std::nullopt).ok());
    EXPECT_TRUE(v2(a, "Bearer anything", "anything").ok());
    Authenticator closed({}, {}, false);
    EXPECT_FALSE(v2(closed, "Bearer x", "y").ok());
}

TEST(Authenticator, ReadsItsFiles) {
    test::TempDir dir;
    const std::string b1 = "bearer-one-0123456789", b2 = "bearer-two-0123456789";
    const std::string n1 = "nonce-one-0123456789";
    std::ofstream(dir.file("bearers")) << "# site tokens\n" << b1 << "\n\n" << b2 << "\n";
    std::ofstream(dir.file("nonces")) << n1 << "\r\n";
    std::ofstream(dir.file("short")) << b1 << "\nabcdefghijklmno\n"; // 15 characters
    std::ofstream(dir.file("empty")) << "# nothing yet\n";
    auto a = from_files(dir.file("bearers"), dir.file("nonces"), false);
    EXPECT_EQ(a.bearer_count(), 2u);
    EXPECT_EQ(a.nonce_count(), 1u);
    EXPECT_TRUE(v2(a, "Bearer " + b2, std::nullopt).ok());
    EXPECT_TRUE(v2(a, std::nullopt, n1).ok());
    EXPECT_FALSE(v2(a, "Bearer " + b2.substr(0, 20), std::nullopt).ok()); // a prefix
    EXPECT_FALSE(v2(a, "Bearer " + b2 + "x", std::nullopt).ok());
    try {
        from_files(dir.file("short"), std::nullopt, false);
        ADD_FAILURE() << "a 15-character bearer token was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("value 2 has 15 characters; at least 16"),
                  std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find("abcdefghijklmno"), std::string::npos); // unshown
    }
    auto only = from_files(std::nullopt, dir.file("nonces"), false);
    EXPECT_EQ(only.bearer_count(), 0u);
    EXPECT_THROW(from_files(dir.file("missing"), std::nullopt, false), std::invalid_argument);
    EXPECT_THROW(from_files(dir.file("empty"), std::nullopt, false), std::invalid_argument);
    EXPECT_THROW(from_files(dir.path().string(), std::nullopt, false), std::invalid_argument);
}

} // namespace
} // namespace pjm::server
