// libFuzzer target: the config file parser (cli::parse_config, a TOML subset).
//
// Invariants: parsing never throws; an error reads "line N: …" with N a line of the input; on
// success every key is "key" or "section.key" made of letters, digits, '_' and '-', and writing
// the values back as TOML (double-quoted, escaped) parses to the same map.
#include "cli/config_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace {

using pjm::cli::parse_config;

[[noreturn]] void bug(const std::string& what) {
    std::fprintf(stderr, "fuzz_config: invariant broken: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool valid_part(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!key_char(c)) return false;
    return true;
}

std::string quoted(const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out.push_back(c);
        }
    }
    return out + "\"";
}

// The values as a config file: top-level keys first, then one [section] per prefix.
std::string render(const std::map<std::string, std::string>& values) {
    std::string top;
    std::map<std::string, std::string> sections;
    for (const auto& [key, value] : values) {
        auto dot = key.find('.');
        if (dot == std::string::npos)
            top += key + " = " + quoted(value) + "\n";
        else
            sections[key.substr(0, dot)] += key.substr(dot + 1) + " = " + quoted(value) + "\n";
    }
    for (const auto& [name, body] : sections)
        top += "[" + name + "]\n" + body;
    return top;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_config(text);
    if (parsed.error) {
        const std::string& e = *parsed.error;
        std::size_t lines = 1;
        for (char c : text)
            lines += c == '\n';
        std::size_t digits = e.rfind("line ", 0) == 0 ? e.find_first_not_of("0123456789", 5) : 0;
        if (digits == std::string::npos || digits <= 5 || e.compare(digits, 2, ": ") != 0)
            bug("error without its line: " + e);
        unsigned long line = std::strtoul(e.c_str() + 5, nullptr, 10);
        if (line < 1 || line > lines) bug("error names a line the file lacks: " + e);
        if (e.size() <= digits + 2) bug("error without a reason: " + e);
        return 0;
    }
    for (const auto& [key, value] : parsed.values) {
        auto dot = key.find('.');
        bool ok = dot == std::string::npos ? valid_part(key)
                                           : valid_part(std::string_view(key).substr(0, dot)) &&
                                                 valid_part(std::string_view(key).substr(dot + 1));
        if (!ok) bug("malformed key '" + key + "'");
        (void)value;
    }
    std::string again = render(parsed.values);
    auto reparsed = parse_config(again);
    if (reparsed.error) bug("its own rendering refused: " + *reparsed.error + "\n" + again);
    if (reparsed.values != parsed.values) bug("rendering and parsing again changed the values");
    return 0;
}
