#include "util/redact.hpp"

#include <array>
#include <cctype>

namespace pjm::util {

namespace {

constexpr std::array<std::string_view, 4> k_secret_words = {"token", "nonce", "secret", "password"};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

bool is_secret_name(std::string_view name) {
    std::string key;
    key.reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '%') {
            // A name that cannot even be decoded may hide anything.
            if (i + 2 >= name.size()) return true;
            int hi = hex_value(name[i + 1]), lo = hex_value(name[i + 2]);
            if (hi < 0 || lo < 0) return true;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    for (auto word : k_secret_words)
        if (key.find(word) != std::string::npos) return true;
    return false;
}

std::string redact_url(std::string_view text) {
    auto q = text.find('?');
    if (q == std::string_view::npos) return std::string(text);
    std::string out(text.substr(0, q + 1));
    std::size_t p = q + 1;
    while (p <= text.size()) {
        std::size_t end = text.find_first_of("& ", p);
        if (end == std::string_view::npos) end = text.size();
        std::string_view pair = text.substr(p, end - p);
        auto eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        if (!name.empty() && is_secret_name(name)) {
            out += name;
            if (eq != std::string_view::npos) out += '=';
            out += k_redacted;
        } else {
            out += pair;
        }
        if (end == text.size()) break;
        out += text[end];
        if (text[end] == ' ') { // the rest of a request line ("HTTP/1.1")
            out += text.substr(end + 1);
            break;
        }
        p = end + 1;
    }
    return out;
}

std::string redact_trace_line(std::string_view line) {
    constexpr std::string_view header = "authorization:";
    if (line.size() >= header.size()) {
        bool same = true;
        for (std::size_t i = 0; i < header.size() && same; ++i)
            same = std::tolower(static_cast<unsigned char>(line[i])) == header[i];
        if (same) return std::string(line.substr(0, header.size())) + " " + std::string(k_redacted);
    }
    return redact_url(line);
}

} // namespace pjm::util
