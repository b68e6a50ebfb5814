#include "server/route_pattern.hpp"

#include <algorithm>

namespace pjm::server {

namespace {

constexpr std::string_view k_trees[] = {"/actors/v2", "/v3/actors"};

} // namespace

bool match_route(std::string_view pattern, std::string_view path,
                 std::vector<std::string_view>& segments) {
    constexpr std::string_view tree = "{tree}", segment = "{}", optional_slash = "/?";
    if (pattern.size() >= optional_slash.size() &&
        pattern.substr(pattern.size() - optional_slash.size()) == optional_slash) {
        pattern.remove_suffix(optional_slash.size());
        if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    }
    while (!pattern.empty()) {
        if (pattern.substr(0, tree.size()) == tree) {
            pattern.remove_prefix(tree.size());
            auto it = std::find_if(std::begin(k_trees), std::end(k_trees),
                                   [&](auto t) { return path.substr(0, t.size()) == t; });
            if (it == std::end(k_trees)) return false;
            path.remove_prefix(it->size());
        } else if (pattern.substr(0, segment.size()) == segment) {
            pattern.remove_prefix(segment.size());
            std::size_t end = std::min(path.find('/'), path.size());
            if (end == 0) return false;
            segments.push_back(path.substr(0, end));
            path.remove_prefix(end);
        } else {
            if (path.empty() || path.front() != pattern.front()) return false;
            pattern.remove_prefix(1);
            path.remove_prefix(1);
        }
    }
    return path.empty();
}

} // namespace pjm::server
