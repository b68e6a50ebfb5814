// Text for people rather than scripts: relative times ("3 minutes ago") and the width of text
// as a terminal shows it. JSON output never goes through here.
#pragma once

#include "core/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pjm::cli {

// How long before `now_ms` the moment `then_ms` was, in the largest whole unit: "just now",
// "1 second ago", "5 minutes ago", "3 hours ago", "2 days ago", "4 months ago", "1 year ago"
// (a month is 30 days, a year 365). A moment up to a minute ahead (clocks of two hosts) is
// "just now"; further ahead, "in 5 minutes".
std::string relative_time(std::int64_t then_ms, std::int64_t now_ms);
// The same for an RFC 3339 date as pjm stores them; a text that is not one is returned as it is.
std::string ago(std::string_view rfc3339, const core::Clock& clock);

// Columns the text takes on a terminal: UTF-8 code points (pjm prints no wide characters).
std::size_t display_width(std::string_view text);
// The text cut to at most `width` columns, its end replaced by "..." when cut; a multi-byte
// character is never split. `width` under 4 cuts without the dots.
std::string clip(std::string_view text, std::size_t width);
// Control characters shown as \xNN, so that values from a database or a manager cannot move
// the cursor or recolour the terminal. Messages keep their line breaks (`keep_newlines`);
// table cells do not.

} // namespace pjm::cli
