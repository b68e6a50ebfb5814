// Reading user-supplied JSON: inline text, @file, or - for standard input.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pjm::cli {

// The raw text of an argument that may be "@path" or "-" (stdin).
std::string read_argument_text(const std::string& arg, const std::string& what);
// Parses such an argument as JSON; an invalid one is a CliError of kind invalid (exit 3).
nlohmann::json read_json_argument(const std::string& arg, const std::string& what);

} // namespace pjm::cli
