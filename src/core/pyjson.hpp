// Renders JSON exactly as Python's json.dumps(v, sort_keys=True, separators=(',', ':')) does,
// which the compatible job UUIDs are derived from (docs/protocol.md#identifiers).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pjm::core {

std::string python_json_dumps(const nlohmann::json& value);
// Python's repr() of a float ("0.1", "1e-07", "1.0", "1e+16").
std::string python_float_repr(double value);
// Python's repr() of a list of strings (["a", "b"] -> "['a', 'b']").
std::string python_list_repr(const std::vector<std::string>& items);

} // namespace pjm::core
