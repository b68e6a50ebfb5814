#include "cli/config_file.hpp"

#include <cctype>

namespace pjm::cli {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool valid_key(std::string_view k) {
    if (k.empty()) return false;
    for (char c : k)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

// Parses a value and returns what follows it (which may only be a comment).
std::optional<std::string> parse_value(std::string_view v, std::string_view& rest,
                                       std::string& why) {
    if (v.empty()) {
        why = "missing value";
        return std::nullopt;
    }
    if (v.front() == '\'') {
        auto end = v.find('\'', 1);
        if (end == std::string_view::npos) {
            why = "unterminated string";
            return std::nullopt;
        }
        rest = v.substr(end + 1);
        return std::string(v.substr(1, end - 1));
    }
    if (v.front() == '"') {
        std::string out;
        for (std::size_t i = 1; i < v.size(); ++i) {
            char c = v[i];
            if (c == '"') {
                rest = v.substr(i + 1);
                return out;
            }
            if (c == '\\') {
                if (++i >= v.size()) break;
                switch (v[i]) {
                case 'n':
                    out.push_back('\n');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case '\\':
                    out.push_back('\\');
                    break;
                case '"':
                    out.push_back('"');
                    break;
                default:
                    why = "unsupported escape \\" + std::string(1, v[i]);
                    return std::nullopt;
                }
                continue;
            }
            out.push_back(c);
        }
        why = "unterminated string";
        return std::nullopt;
    }
    // Bare integer or boolean.
    auto end = v.find_first_of(" \t#");
    std::string_view word = v.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : v.substr(end);
    if (word == "true" || word == "false") return std::string(word);
    // A lone "-" has no digit at all, so it is not an integer.
    bool digits = !word.empty() && word != "-";
    for (std::size_t i = 0; i < word.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(word[i])) && !(i == 0 && word[i] == '-'))
            digits = false;
    if (digits) return std::string(word);
    why = "expected a quoted string, an integer, true or false";
    return std::nullopt;
}

} // namespace

ConfigParse parse_config(std::string_view text) {
    ConfigParse out;
    std::string section;
    int number = 0;
    while (!text.empty() || number == 0) {
        ++number;
        auto nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        auto fail = [&](const std::string& why) {
            out.error = "line " + std::to_string(number) + ": " + why;
            return out;
        };
        if (line.empty() || line.front() == '#') {
            if (text.empty()) break;
            continue;
        }
        if (line.front() == '[') {
            auto close = line.find(']');
            std::string_view name =
                close == std::string_view::npos ? "" : trim(line.substr(1, close - 1));
            std::string_view after =
                close == std::string_view::npos ? "" : trim(line.substr(close + 1));
            if (!valid_key(name) || (!after.empty() && after.front() != '#'))
                return fail("malformed section header");
            section = std::string(name) + ".";
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos) return fail("expected key = value");
        std::string_view key = trim(line.substr(0, eq));
        if (!valid_key(key)) return fail("malformed key '" + std::string(key) + "'");
        std::string why;
        std::string_view rest;
        auto value = parse_value(trim(line.substr(eq + 1)), rest, why);
        if (!value) return fail(why);
        rest = trim(rest);
        if (!rest.empty() && rest.front() != '#') return fail("unexpected text after the value");
        std::string full = section + std::string(key);
        if (out.values.count(full)) return fail("duplicate key '" + full + "'");
        out.values[full] = *value;
        if (text.empty()) break;
    }
    return out;
}

} // namespace pjm::cli
