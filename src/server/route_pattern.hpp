// The path patterns of the route table (routes.hpp), matched without regular expressions:
// `{tree}` is either actors tree (/actors/v2 or /v3/actors), `{}` one path segment (one or
// more characters, no '/'), a final `/?` an optional trailing slash; any other character
// stands for itself.
#pragma once

#include <string_view>
#include <vector>

namespace pjm::server {

// Whether `path` matches `pattern`; the segments its `{}` stand for, as sent (not decoded),
// are appended to `segments`.
bool match_route(std::string_view pattern, std::string_view path,
                 std::vector<std::string_view>& segments);

} // namespace pjm::server
