// Secrets kept out of what is shown: URL query parameters and request headers that carry a
// credential read "<redacted>". Knows nothing of pjm beyond the names of secrets.
#pragma once

#include <string>
#include <string_view>

namespace pjm::util {

inline constexpr std::string_view k_redacted = "<redacted>";

// A query parameter or setting name that holds a secret: it contains "token", "nonce",
// "secret" or "password", in any case, once %-decoded ("x%2Dnonce" is x-nonce).
bool is_secret_name(std::string_view name);

// `text` with the password of a "scheme://user:password@host" URL and the value of every secret
// query parameter replaced by <redacted>; the rest is kept byte for byte. Parameters are what
// follows the first '?', separated by '&'. A secret named without a value ("…?token") is redacted
// whole.
std::string redact_url(std::string_view text);

// `url` without its "user:password@" (or "user@") part.
std::string url_without_userinfo(std::string_view url);

// One line of an HTTP trace: the value of an Authorization header or of a header with a
// secret name (X-Tapis-Token), and secret parameters in a request line, read <redacted>.
std::string redact_trace_line(std::string_view line);

} // namespace pjm::util
