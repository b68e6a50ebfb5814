// "Did you mean …": the nearest candidate to a misspelt word, by edit distance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pjm::core {

// Case-insensitive Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word` within `max_distance` edits; empty when none is that close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates,
                    std::size_t max_distance = 2);

} // namespace pjm::core
