// Strict readers of settings that hold numbers and switches. A value that is not exactly one
// of the allowed forms, or is out of bounds, stops the command with exit 2, naming the
// setting, where it came from and what is allowed: "inf", "1e300" or "maybe" never pass for a
// number or a switch (docs/protocol.md#settings-and-their-sources).
#pragma once

#include "cli/settings.hpp"

#include <string_view>

namespace pjm::cli {

// A number of seconds ("30", "0.5": digits, an optional fraction, nothing else) from min_s to
// max_s, in milliseconds; `fallback_ms` when the setting is not set.
long setting_ms(const Settings& s, std::string_view name, long fallback_ms, double min_s,
                double max_s);

// A whole number from min to max; `fallback` when not set.
long long setting_count(const Settings& s, std::string_view name, long long fallback, long long min,
                        long long max);

// A switch: 1, true, yes, on or 0, false, no, off (any case); false when not set.
bool setting_flag(const Settings& s, std::string_view name);

// The same, with the bounds of the setting's row in setting_defs().
long setting_ms(const Settings& s, std::string_view name, long fallback_ms);
long long setting_count(const Settings& s, std::string_view name, long long fallback);

// A duration as an operator writes it: whole seconds ("3600"), or a number with s, m, h, d or w
// ("90m", "30d", "2w"). Usage error naming `what` otherwise, or above ten years.
long long parse_duration_s(std::string_view text, std::string_view what);

// Checks every number and switch that is set, so a bad value stops any command with exit 2
// where it is first read, not only the commands that use it.
void check_settings(const Settings& s);

} // namespace pjm::cli
