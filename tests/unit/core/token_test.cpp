// Job tokens and time-windowed admin tokens (docs/protocol.md#tokens) against known answers
// computed with Python's hashlib, plus the validity window, expiry and constant-time comparison.
//
// Helpers used in the comments below (Python 3):
//   import hashlib
//   def jt(salt, uuid): return hashlib.sha256(f'{salt}:{uuid}'.encode()).hexdigest()[:16]
//   def at(secret, key, lifetime, t):
//       msg = ':'.join([secret, key] + list(str(t // lifetime)))
//       return hashlib.sha256(msg.encode()).hexdigest()[:16]
#include "core/token.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

bool is_lower_hex(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(Token, JobTokenKnownAnswers) {
    // jt('c2FsdHNhbHRzYWx0c2FsdA==', '1074d7d8-50a7-5956-bb1c-591645a35aff')
    EXPECT_EQ(job_token("c2FsdHNhbHRzYWx0c2FsdA==", "1074d7d8-50a7-5956-bb1c-591645a35aff"),
              "cafcfd21f2a0a638");
    // jt('AAAAAAAAAAAAAAAAAAAAAA==', '107cb07d-715e-52ae-a996-1b187eab8a0f')
    EXPECT_EQ(job_token("AAAAAAAAAAAAAAAAAAAAAA==", "107cb07d-715e-52ae-a996-1b187eab8a0f"),
              "c4e23ad40ba20ca7");
    // jt('', '107cb07d-715e-52ae-a996-1b187eab8a0f')
    EXPECT_EQ(job_token("", "107cb07d-715e-52ae-a996-1b187eab8a0f"), "426d72483d0d44f4");
}

TEST(Token, JobTokenDependsOnSaltAndUuid) {
    std::string a = job_token("salt-a", "1074d7d8-50a7-5956-bb1c-591645a35aff");
    EXPECT_EQ(a.size(), 16u);
    EXPECT_TRUE(is_lower_hex(a));
    EXPECT_NE(a, job_token("salt-b", "1074d7d8-50a7-5956-bb1c-591645a35aff"));
    EXPECT_NE(a, job_token("salt-a", "1074d7d8-50a7-5956-bb1c-591645a35afe"));
}

struct AdminCase {
    std::string secret;
    std::string key;
    std::int64_t lifetime;
    std::int64_t time;
    std::string token;    // at(secret, key, lifetime, time)
    std::int64_t expires; // (time // lifetime + 1) * lifetime
};

TEST(Token, AdminTokenKnownAnswers) {
    const std::vector<AdminCase> cases = {
        // at('S', 'K', 3600, 1764306801)     message 'S:K:4:9:0:0:8:5'
        {"S", "K", 3600, 1764306801, "028029aec7b2d672", 1764309600},
        // at('s3cr3t', 'pjm', 3600, 1700000000)     message 's3cr3t:pjm:4:7:2:2:2:2'
        {"s3cr3t", "pjm", 3600, 1700000000, "85d2ab294c1373b8", 1700002800},
        // at('hunter2', 'admin', 60, 1234567890)     message 'hunter2:admin:2:0:5:7:6:1:3:1'
        {"hunter2", "admin", 60, 1234567890, "5fe41f0fc201b67d", 1234567920},
        // at('hunter2', 'admin', 86400, 0)     message 'hunter2:admin:0'
        {"hunter2", "admin", 86400, 0, "64dcf2981b992e9e", 86400},
        // Before 1970 the window is floored, and str() of it keeps the sign as an element.
        // at('k', 'pjm', 3600, -1)     message 'k:pjm:-:1'
        {"k", "pjm", 3600, -1, "30a3bfdcf4f33f91", 0},
        // at('k', 'pjm', 3600, -3600)     message 'k:pjm:-:1'
        {"k", "pjm", 3600, -3600, "30a3bfdcf4f33f91", 0},
        // at('k', 'pjm', 3600, -3601)     message 'k:pjm:-:2'
        {"k", "pjm", 3600, -3601, "0cbf58b704b26972", -3600},
        // at('x', '', 1, 1)     message 'x::1'
        {"x", "", 1, 1, "ddbb520f0354cf39", 2},
    };
    for (const auto& c : cases) {
        AdminConfig cfg{c.secret, c.key, c.lifetime};
        EXPECT_EQ(admin_token(cfg, c.time), c.token) << c.secret << " " << c.time;
        EXPECT_EQ(admin_token_expires(cfg, c.time), c.expires) << c.secret << " " << c.time;
        EXPECT_TRUE(admin_token_valid(cfg, c.token, c.time)) << c.secret << " " << c.time;
    }
}

TEST(Token, AdminTokenIsConstantWithinAWindow) {
    AdminConfig cfg{"s3cr3t", "pjm", 3600};
    // 1699999200 is the first second of the window containing 1700000000.
    EXPECT_EQ(admin_token(cfg, 1699999200), "85d2ab294c1373b8");
    EXPECT_EQ(admin_token(cfg, 1700002799), "85d2ab294c1373b8");
    EXPECT_NE(admin_token(cfg, 1700002800), "85d2ab294c1373b8");
    EXPECT_NE(admin_token(cfg, 1699999199), "85d2ab294c1373b8");
    EXPECT_EQ(admin_token_expires(cfg, 1699999200), 1700002800);
    EXPECT_EQ(admin_token_expires(cfg, 1700002799), 1700002800);
    EXPECT_EQ(admin_token_expires(cfg, 1700002800), 1700006400);
}

TEST(Token, AdminTokenDefaultsToKeyPjmAndOneHour) {
    AdminConfig cfg;
    cfg.secret = "s3cr3t";
    EXPECT_EQ(cfg.key, "pjm");
    EXPECT_EQ(cfg.lifetime, 3600);
    EXPECT_EQ(admin_token(cfg, 1700000000), "85d2ab294c1373b8");
}

TEST(Token, AdminTokenValidityWindow) {
    AdminConfig cfg{"s3cr3t", "pjm", 3600};
    const std::int64_t now = 1700000000;
    // at('s3cr3t', 'pjm', 3600, T) for T = now, now - 3600, now - 7200, now + 3600
    const std::string current = "85d2ab294c1373b8";
    const std::string previous = "02775293165120ef";
    const std::string two_back = "6c354d14b9e1d0ec";
    const std::string next = "31be2e00e672afc3";
    EXPECT_EQ(admin_token(cfg, now - 3600), previous);
    EXPECT_EQ(admin_token(cfg, now - 7200), two_back);
    EXPECT_EQ(admin_token(cfg, now + 3600), next);

    EXPECT_TRUE(admin_token_valid(cfg, current, now));
    EXPECT_TRUE(admin_token_valid(cfg, previous, now));
    EXPECT_FALSE(admin_token_valid(cfg, two_back, now));
    EXPECT_FALSE(admin_token_valid(cfg, next, now));
    // The previous window's token stays valid to the end of the current window, not beyond.
    EXPECT_TRUE(admin_token_valid(cfg, previous, 1700002799));
    EXPECT_FALSE(admin_token_valid(cfg, previous, 1700002800));
    EXPECT_TRUE(admin_token_valid(cfg, current, 1700002800));

    EXPECT_FALSE(admin_token_valid(cfg, "", now));
    EXPECT_FALSE(admin_token_valid(cfg, current.substr(0, 15), now));
    EXPECT_FALSE(admin_token_valid(cfg, current + "0", now));
    std::string upper = current;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(admin_token_valid(cfg, upper, now));
}

TEST(Token, AdminTokenNeverValidWithoutSecret) {
    AdminConfig cfg{"", "pjm", 3600};
    const std::int64_t now = 1700000000;
    // at('', 'pjm', 3600, now) is a perfectly computable value, but must not be accepted.
    EXPECT_FALSE(admin_token_valid(cfg, admin_token(cfg, now), now));
    EXPECT_FALSE(admin_token_valid(cfg, admin_token(cfg, now - 3600), now));
    EXPECT_FALSE(admin_token_valid(cfg, "", now));
}

TEST(Token, AdminTokenDependsOnSecretAndKey) {
    const std::int64_t now = 1700000000;
    std::string base = admin_token({"s3cr3t", "pjm", 3600}, now);
    EXPECT_NE(base, admin_token({"s3cr3t!", "pjm", 3600}, now));
    EXPECT_NE(base, admin_token({"s3cr3t", "pjm2", 3600}, now));
    EXPECT_FALSE(admin_token_valid({"other", "pjm", 3600}, base, now));
    EXPECT_FALSE(admin_token_valid({"s3cr3t", "other", 3600}, base, now));
}

TEST(Token, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("85d2ab294c1373b8", "85d2ab294c1373b8"));
    EXPECT_FALSE(constant_time_equal("85d2ab294c1373b8", "85d2ab294c1373b9"));
    EXPECT_FALSE(constant_time_equal("95d2ab294c1373b8", "85d2ab294c1373b8"));
    EXPECT_FALSE(constant_time_equal("85d2ab294c1373b8", "85d2ab294c1373b"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_FALSE(constant_time_equal("abc", "ABC"));
    // Embedded NULs are compared like any other byte.
    EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
    EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
}

TEST(Token, NewSaltIsBase64Of16Bytes) {
    std::string a = new_salt();
    std::string b = new_salt();
    // 16 bytes -> 24 base64 characters, the last two being '=' padding.
    ASSERT_EQ(a.size(), 24u);
    ASSERT_EQ(b.size(), 24u);
    EXPECT_EQ(a.substr(22), "==");
    auto is_b64 = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    };
    EXPECT_TRUE(std::all_of(a.begin(), a.begin() + 22, is_b64)) << a;
    EXPECT_TRUE(std::all_of(b.begin(), b.begin() + 22, is_b64)) << b;
    EXPECT_NE(a, b);
}

} // namespace
} // namespace pjm::core
