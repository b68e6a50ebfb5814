// The config file: a small TOML subset (key = "string" | 'literal' | integer | true/false,
// # comments, [section] headers that prefix keys as "section.key").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pjm::cli {

struct ConfigParse {
    std::map<std::string, std::string> values;
    std::optional<std::string> error; // "line 3: …"
};

ConfigParse parse_config(std::string_view text);

} // namespace pjm::cli
