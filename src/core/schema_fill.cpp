// A build-time tool, not part of pjm: writes a bundled JSON Schema with its lifecycle enum
// filled in from the transition table (core/fsm), so the schemas cannot name an event the
// table lacks or miss one it has.
//
//   pjm_schema_fill OUT_DIR SCHEMA.json...
//
// Each SCHEMA.json is written to OUT_DIR under its own name, with every JSON string
// "@EVENT_NAMES@" replaced by the array of the names of the events a message may carry (those
// that fire on an existing job: all but create), wrapped at 100 columns under its opening
// bracket, as the schemas are written by hand.
#include "core/fsm.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view k_placeholder = "\"@EVENT_NAMES@\"";
constexpr std::size_t k_width = 100;

std::string event_names_array(std::size_t column) {
    std::vector<std::string> items;
    for (auto e : pjm::core::all_events())
        if (!pjm::core::sources(e).empty())
            items.push_back("\"" + std::string(pjm::core::to_string(e)) + "\"");
    std::string out = "[";
    std::size_t line = column + 1; // the width of the current line so far
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string item = items[i] + (i + 1 < items.size() ? "," : "]");
        if (i > 0 && line + 1 + item.size() > k_width) {
            out += "\n" + std::string(column + 1, ' ');
            line = column + 1;
        } else if (i > 0) {
            out += " ";
            ++line;
        }
        out += item;
        line += item.size();
    }
    return items.empty() ? "[]" : out;
}

std::string fill(std::string text) {
    for (auto at = text.find(k_placeholder); at != std::string::npos;
         at = text.find(k_placeholder, at)) {
        auto line_start = text.rfind('\n', at);
        std::size_t column = line_start == std::string::npos ? at : at - line_start - 1;
        std::string names = event_names_array(column);
        text.replace(at, k_placeholder.size(), names);
        at += names.size();
    }
    return text;
}

std::optional<std::string> read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: pjm_schema_fill OUT_DIR SCHEMA.json...\n";
        return 2;
    }
    for (int i = 2; i < argc; ++i) {
        std::filesystem::path in = argv[i];
        std::filesystem::path out = std::filesystem::path(argv[1]) / in.filename();
        auto text = read(in);
        if (!text) {
            std::cerr << "pjm_schema_fill: cannot read " << in << "\n";
            return 1;
        }
        std::ofstream file(out, std::ios::binary | std::ios::trunc);
        file << fill(*text);
        file.close();
        if (!file) {
            std::cerr << "pjm_schema_fill: cannot write " << out << "\n";
            return 1;
        }
    }
    return 0;
}
