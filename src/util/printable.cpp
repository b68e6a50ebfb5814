#include "util/printable.hpp"

namespace pjm::util {

std::string printable(std::string_view text, Newlines newlines, Bytes bytes) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        bool shown = c >= 0x20 && c != 0x7f && (c < 0x80 || bytes == Bytes::utf8);
        if (shown || (ch == '\n' && newlines == Newlines::keep)) {
            out.push_back(ch);
            continue;
        }
        static constexpr char k_hex[] = "0123456789abcdef";
        out += "\\x";
        out.push_back(k_hex[c >> 4]);
        out.push_back(k_hex[c & 0xf]);
    }
    return out;
}

std::string shortened(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string(text);
    std::size_t cut = max;
    // Back over continuation bytes (10xxxxxx) to the start of the sequence they belong to.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "…";
}

} // namespace pjm::util
