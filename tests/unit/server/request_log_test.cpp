// The server's log lines: no secret from the query string, nothing unprintable; and the
// --listen address forms.
#include "server/listen.hpp"
#include "server/request_log.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

TEST(LoggableTarget, RedactsSecretsOnly) {
    EXPECT_EQ(loggable_target("/actors/v2/a/messages"), "/actors/v2/a/messages");
    EXPECT_EQ(loggable_target("/m?uuid=107x&name=run&token=abcdef0123456789&x-nonce=TACC_XYZ"),
              "/m?uuid=107x&name=run&token=<redacted>&x-nonce=<redacted>");
    EXPECT_EQ(loggable_target("/m?access_token=s&client_secret=t&password=u&nonce=v"),
              "/m?access_token=<redacted>&client_secret=<redacted>&password=<redacted>&nonce="
              "<redacted>");
    // Spelt with escapes or in capitals, a secret is still one.
    EXPECT_EQ(loggable_target("/m?x%2Dnonce=s&TOKEN=t"),
              "/m?x%2Dnonce=<redacted>&TOKEN=<redacted>");
    EXPECT_EQ(loggable_target("/m?token"), "/m?<redacted>");
    EXPECT_EQ(loggable_target("/m?a=1&&b"), "/m?a=1&&b");
    EXPECT_EQ(loggable_target("/m?"), "/m?");
}

TEST(LoggableTarget, KeepsLinesPrintable) {
    EXPECT_EQ(loggable_target("/a\nb\x1b[31m\xff"), "/a\\x0ab\\x1b[31m\\xff");
    EXPECT_EQ(loggable_target("/m?name=a\rb"), "/m?name=a\\x0db");
}

TEST(RequestLog, WritesWholeTimestampedLines) {
    char path[] = "/tmp/pjm-log-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    {
        RequestLog log(fd);
        log.write("GET /healthz 200 0.10ms");
        log.write("second");
    }
    ::close(fd);
    std::ifstream in(path);
    std::string l1, l2, rest;
    std::getline(in, l1);
    std::getline(in, l2);
    EXPECT_FALSE(std::getline(in, rest));
    std::remove(path);
    EXPECT_EQ(l1.size(), 24 + 1 + 23u); // "2026-11-28T05:13:21.123Z GET …"
    EXPECT_EQ(l1.substr(10, 1), "T");
    EXPECT_EQ(l1.substr(25), "GET /healthz 200 0.10ms");
    EXPECT_EQ(l2.substr(25), "second");
}

TEST(ListenAddress, Forms) {
    auto a = parse_listen("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto v6 = parse_listen("[::1]:0");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 0);
    auto any = parse_listen(":9000");
    ASSERT_TRUE(any);
    EXPECT_EQ(any->host, "0.0.0.0");
    EXPECT_EQ(parse_listen("localhost:65535")->host, "localhost");
    for (const char* bad : {"", "8080", "host:", "host:65536", "host:80a", "::1:80", "[::1:80",
                            "a b:80", "host:-1", "host:123456"})
        EXPECT_FALSE(parse_listen(bad)) << bad;
}

} // namespace
} // namespace pjm::server
