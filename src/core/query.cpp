#include "core/query.hpp"

namespace pjm::core {

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi << 4 | lo));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

namespace {

std::optional<std::string> decode(std::string_view text) {
    return percent_decode(text, true);
}

} // namespace

std::optional<QueryParams> QueryParams::parse(std::string_view text) {
    QueryParams q;
    if (!text.empty() && text.front() == '?') text.remove_prefix(1);
    while (!text.empty()) {
        auto amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto key = decode(pair.substr(0, eq));
        auto value =
            decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!key || !value) return std::nullopt;
        q.add(std::move(*key), std::move(*value));
    }
    return q;
}

void QueryParams::add(std::string key, std::string value) {
    m_items.emplace_back(std::move(key), std::move(value));
}

std::optional<std::string> QueryParams::get(std::string_view key) const {
    for (const auto& [k, v] : m_items)
        if (k == key) return v;
    return std::nullopt;
}

std::size_t QueryParams::count(std::string_view key) const {
    std::size_t n = 0;
    for (const auto& item : m_items)
        n += item.first == key ? 1 : 0;
    return n;
}

std::string percent_encode(std::string_view text) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(k_digits[c >> 4]);
            out.push_back(k_digits[c & 0xf]);
        }
    }
    return out;
}

std::string QueryParams::encode() const {
    std::string out;
    for (const auto& [k, v] : m_items) {
        if (!out.empty()) out.push_back('&');
        out += percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
}

} // namespace pjm::core
