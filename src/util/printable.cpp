#include "util/printable.hpp"

namespace pjm::util {

std::string printable(std::string_view text, Newlines newlines, Bytes bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    auto escape = [&](std::string& out, unsigned char c) {
        out += "\\x";
        out.push_back(k_hex[c >> 4]);
        out.push_back(k_hex[c & 0xf]);
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        auto c = static_cast<unsigned char>(ch);
        // The C1 controls U+0080 to U+009F (UTF-8 C2 80 to C2 9F) act on terminals as the C0
        // ones do (U+009B is CSI): escaped like them.
        if (bytes == Bytes::utf8 && c == 0xc2 && i + 1 < text.size() &&
            static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            escape(out, c);
            escape(out, static_cast<unsigned char>(text[++i]));
            continue;
        }
        bool shown = c >= 0x20 && c != 0x7f && (c < 0x80 || bytes == Bytes::utf8);
        if (shown || (ch == '\n' && newlines == Newlines::keep)) {
            out.push_back(ch);
            continue;
        }
        escape(out, c);
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
