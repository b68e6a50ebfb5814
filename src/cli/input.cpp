#include "cli/input.hpp"

#include "cli/errors.hpp"
#include "core/message.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pjm::cli {

std::string read_argument_text(const std::string& arg, const std::string& what) {
    if (arg == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    if (!arg.empty() && arg.front() == '@') {
        std::ifstream in(arg.substr(1), std::ios::binary);
        // A directory opens and reads as empty, which would pass for an "empty message".
        std::error_code ec;
        if (!in || std::filesystem::is_directory(arg.substr(1), ec))
            usage_error("cannot read " + what + " file '" + arg.substr(1) + "'");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    return arg;
}

nlohmann::json read_json_argument(const std::string& arg, const std::string& what) {
    auto parsed = core::parse_body(read_argument_text(arg, what));
    if (!parsed.value) throw CliError(core::ErrorKind::invalid, what + ": " + parsed.error);
    return *parsed.value;
}

} // namespace pjm::cli
