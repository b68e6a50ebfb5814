// util/printable and util/redact: the one escaper and the one redactor everything shown goes
// through (terminal output, -v traces, the server's log, dry runs, outbox listings).
#include "util/printable.hpp"
#include "util/redact.hpp"

#include <gtest/gtest.h>

namespace pjm::util {
namespace {

TEST(Printable, EscapesControlCharacters) {
    EXPECT_EQ(printable("plain text"), "plain text");
    EXPECT_EQ(printable("a\nb"), "a\\x0ab");
    EXPECT_EQ(printable("a\nb", Newlines::keep), "a\nb");
    EXPECT_EQ(printable("\033[2Jboo"), "\\x1b[2Jboo");
    EXPECT_EQ(printable("del\x7f"), "del\\x7f");
    EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9") << "UTF-8 passes";
    EXPECT_EQ(printable("caf\xc3\xa9", Newlines::escape, Bytes::ascii), "caf\\xc3\\xa9");
    EXPECT_EQ(printable(std::string_view("a\0b", 3)), "a\\x00b");
}

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

TEST(Redact, TraceLines) {
    EXPECT_EQ(redact_trace_line("Authorization: Bearer abc"), "Authorization: <redacted>");
    EXPECT_EQ(redact_trace_line("authorization:Bearer abc"), "authorization: <redacted>");
    EXPECT_EQ(redact_trace_line("X-Tapis-Token: eyJ"), "X-Tapis-Token: <redacted>");
    EXPECT_EQ(redact_trace_line("Content-Type: application/json"),
              "Content-Type: application/json");
    EXPECT_EQ(redact_trace_line("POST /actors/v2/A/messages?x-nonce=N&uuid=1 HTTP/1.1"),
              "POST /actors/v2/A/messages?x-nonce=<redacted>&uuid=1 HTTP/1.1");
    EXPECT_EQ(redact_trace_line("Location: https://t/m?token=abc"),
              "Location: https://t/m?token=<redacted>");
}

} // namespace
} // namespace pjm::util
