#include "cli/input.hpp"

#include "cli/errors.hpp"
#include "core/message.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

namespace pjm::cli {

namespace {

// Everything `in` holds, up to `max` bytes; nothing when it holds more (read no further).
std::optional<std::string> read_at_most(std::istream& in, std::size_t max) {
    std::string out;
    std::array<char, 65536> chunk;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        std::size_t got = static_cast<std::size_t>(in.gcount());
        if (got > max - out.size()) return std::nullopt;
        out.append(chunk.data(), got);
    }
    return out;
}

} // namespace

std::string read_argument_text(const std::string& arg, const std::string& what) {
    const std::size_t max = core::k_max_message_bytes;
    auto too_big = [&](const std::string& from) {
        throw CliError(core::ErrorKind::invalid,
                       what + " from " + from + " is over the " + std::to_string(max) +
                           "-byte limit of a message (a manager refuses more); keep large "
                           "data in a file and send its path");
    };
    if (arg == "-") {
        auto text = read_at_most(std::cin, max);
        if (!text) too_big("standard input");
        return *text;
    }
    if (!arg.empty() && arg.front() == '@') {
        std::ifstream in(arg.substr(1), std::ios::binary);
        // A directory opens and reads as empty, which would pass for an "empty message".
        std::error_code ec;
        if (!in || std::filesystem::is_directory(arg.substr(1), ec))
            usage_error("cannot read " + what + " file '" + arg.substr(1) + "'");
        auto text = read_at_most(in, max);
        if (!text) too_big("'" + arg.substr(1) + "'");
        return *text;
    }
    if (arg.size() > max) too_big("the command line");
    return arg;
}

nlohmann::json read_json_argument(const std::string& arg, const std::string& what) {
    auto parsed = core::parse_body(read_argument_text(arg, what));
    if (!parsed.value) throw CliError(core::ErrorKind::invalid, what + ": " + parsed.error);
    return *parsed.value;
}

} // namespace pjm::cli
