// The case of the keys in an Abaco reply's `result` (docs/protocol.md#key-case). An Abaco
// deployment answers in snake case (`execution_id`) or camel case (`executionId`), and real clients
// disagree on which they read, so pjm serve can also answer in both: each snake key keeps its
// place and its camel spelling is added beside it. Like Abaco, only the top-level keys of a
// document are renamed (and those of each document in a list); nested values, and keys that
// start with '_' such as `_links`, keep their spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::core {

enum class KeyCase { snake, camel, both };

std::optional<KeyCase> parse_key_case(std::string_view name); // "snake", "camel", "both"
std::string_view to_string(KeyCase c);

// Abaco's renaming: the parts between '_' joined, the first lower-cased and the others
// capitalised; an empty part (a leading or doubled '_') stays a '_'. "execution_id" gives
// "executionId", "_links" stays "_links".
std::string under_to_camel(std::string_view key);

// `doc` (an object, or a list of objects) with its top-level keys in case `c`.
nlohmann::json in_case(nlohmann::json doc, KeyCase c);

// A member of a reply read in either case: `key` (snake) or its camel spelling; null when
// neither is there.
const nlohmann::json* either_case(const nlohmann::json& doc, std::string_view key);

} // namespace pjm::core
