// util/redact: the one redactor everything shown goes through (-v traces, the server's log,
// dry runs, outbox listings, settings).
#include "util/redact.hpp"

#include <gtest/gtest.h>

namespace pjm::util {
namespace {

TEST(Redact, SecretNames) {
    for (const char* name : {"token", "x-nonce", "TOKEN", "x%2Dnonce", "client_secret", "Password",
                             "access_token", "x-tapis-token", "bad%zz", "bad%4"})
        EXPECT_TRUE(is_secret_name(name)) << name;
    for (const char* name : {"uuid", "name", "event", "_abaco_synchronous", "x%2Duuid"})
        EXPECT_FALSE(is_secret_name(name)) << name;
}

TEST(Redact, UrlsKeepEverythingButSecretValues) {
    EXPECT_EQ(redact_url("https://t/actors/v2/A/messages"), "https://t/actors/v2/A/messages");
    EXPECT_EQ(redact_url("https://t/m?x-nonce=SECRET&uuid=107&token=abc"),
              "https://t/m?x-nonce=<redacted>&uuid=107&token=<redacted>");
    EXPECT_EQ(redact_url("/m?token"), "/m?<redacted>");
    EXPECT_EQ(redact_url("/m?a=1&&b"), "/m?a=1&&b");
    EXPECT_EQ(redact_url("/m?"), "/m?");
    EXPECT_EQ(redact_url("/m?a=%zz&token=t"), "/m?a=%zz&token=<redacted>");
    // A value holding a space is still one value: nothing after it escapes redaction.
    EXPECT_EQ(redact_url("/m?token=a b&x-nonce=c"), "/m?token=<redacted>&x-nonce=<redacted>");
}

TEST(Redact, UrlPasswords) {
    EXPECT_EQ(redact_url("https://user:pa55@host:8443/m?uuid=1"),
              "https://user:<redacted>@host:8443/m?uuid=1");
    EXPECT_EQ(redact_url("https://u:p@ss@host/m"), "https://u:<redacted>@host/m");
    EXPECT_EQ(redact_url("https://user@host/m"), "https://user@host/m"); // no password
    EXPECT_EQ(redact_url("https://host/m?next=a:b@c"), "https://host/m?next=a:b@c");
    EXPECT_EQ(redact_url("https://u:p@h?token=t"), "https://u:<redacted>@h?token=<redacted>");
    EXPECT_EQ(redact_url("postgresql://pjm:secret@db/jobs"), "postgresql://pjm:<redacted>@db/jobs");
}

TEST(Redact, TraceLines) {
    EXPECT_EQ(redact_trace_line("Authorization: Bearer abc"), "Authorization: <redacted>");
    EXPECT_EQ(redact_trace_line("authorization:Bearer abc"), "authorization: <redacted>");
    EXPECT_EQ(redact_trace_line("X-Tapis-Token: eyJ"), "X-Tapis-Token: <redacted>");
    EXPECT_EQ(redact_trace_line("Idempotency-Key: pjm-1796-abc"), "Idempotency-Key: <redacted>");
    EXPECT_EQ(redact_trace_line("Content-Type: application/json"),
              "Content-Type: application/json");
    EXPECT_EQ(redact_trace_line("POST /actors/v2/A/messages?x-nonce=N&uuid=1 HTTP/1.1"),
              "POST /actors/v2/A/messages?x-nonce=<redacted>&uuid=1 HTTP/1.1");
    EXPECT_EQ(redact_trace_line("Location: https://t/m?token=abc"),
              "Location: https://t/m?token=<redacted>");
}

} // namespace
} // namespace pjm::util
