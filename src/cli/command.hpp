// The table of subcommands: each command file registers its CLI11 subcommand and the
// function that runs it; app.cpp runs whichever the user chose.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pjm::cli {

class Context;

class Commands {
  public:
    // `fn` runs when `sub` is the deepest subcommand given; it returns the exit code.
    void on(CLI::App* sub, std::function<int()> fn) { m_runs[sub] = std::move(fn); }
    // Runs the chosen subcommand; nothing when none was chosen.
    std::optional<int> run(CLI::App& root) const;

  private:
    std::map<const CLI::App*, std::function<int()>> m_runs;
};

using Registrar = void (*)(CLI::App& app, Context& ctx, Commands& commands);

// Every subcommand, in the order `pjm --help` lists them.
const std::vector<Registrar>& all_commands();

// A help footer with examples, indented consistently.
std::string examples(std::initializer_list<const char*> lines);

} // namespace pjm::cli
