// RFC 3339 timestamps with milliseconds in UTC ("2026-11-28T05:13:21.123Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pjm::core {

std::string rfc3339_ms(std::int64_t unix_ms);
// Parses the form rfc3339_ms writes (and the same without milliseconds).
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

} // namespace pjm::core
