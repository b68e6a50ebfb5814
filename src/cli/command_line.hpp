// The command line: the tree of Command records made into CLI11's parser, parsed, and the
// chosen command run. The one place besides app.cpp that compiles CLI11.
#pragma once

#include "cli/command.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pjm::cli {

class CommandLine {
  public:
    // `root` describes pjm itself (global options) and its subcommands; it must outlive this.
    explicit CommandLine(Command& root);
    ~CommandLine();
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;

    // What parsing found.
    struct Parsed {
        enum class Status { ok, help, error } status = Status::ok;
        int exit_code = 0;   // for help (0, after printing it) and for errors
        std::string message; // the error, with a "did you mean" for an unknown command
    };
    Parsed parse(int argc, char** argv);
    // Runs the deepest command given; nothing when that command has nothing to run.
    std::optional<int> run() const;
    std::string help() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace pjm::cli
