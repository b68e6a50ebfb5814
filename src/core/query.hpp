// URL query strings: parsing ("a=1&b=%20x"), lookup and rendering with percent-encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pjm::core {

// `text` with its %XX escapes decoded ('+' too, as a space, when `plus_is_space`: query strings);
// nothing when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

class QueryParams {
  public:
    QueryParams() = default;
    // Parses "k=v&k2=v2" (a leading '?' is allowed). '+' means space; %XX is decoded.
    // Returns nothing when a %-escape is malformed.
    static std::optional<QueryParams> parse(std::string_view text);

    void add(std::string key, std::string value);
    // The first value given for `key`.
    std::optional<std::string> get(std::string_view key) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    // How many times `key` is given.
    std::size_t count(std::string_view key) const;
    const std::vector<std::pair<std::string, std::string>>& items() const { return m_items; }
    bool empty() const { return m_items.empty(); }
    // "k=v&…" with RFC 3986 unreserved characters left as they are.
    std::string encode() const;

  private:
    std::vector<std::pair<std::string, std::string>> m_items;
};

std::string percent_encode(std::string_view text);

} // namespace pjm::core
