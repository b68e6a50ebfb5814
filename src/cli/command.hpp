// What a subcommand declares: its name, help, options, subcommands and the function that runs
// it. Command files describe themselves with these plain records; cli/command_line.cpp turns
// the tree into CLI11's parser, so CLI11 is compiled in two files (it and app.cpp) only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pjm::cli {

class Context;

// One option or positional argument ("--name", "-v,--verbose", "uuid").
class Option {
  public:
    using Target =
        std::variant<std::string*, std::vector<std::string>*, int*, long*, long long*,
                     unsigned long*, unsigned long long*, double*, std::optional<std::string>*>;
    // A switch sets a bool; an int counts repetitions (-vv).
    using FlagTarget = std::variant<bool*, int*>;
    enum class Check { none, positive, non_negative };

    Option(std::string names, Target target, std::string help)
        : m_names(std::move(names)), m_target(target), m_help(std::move(help)) {}
    Option(std::string names, FlagTarget target, std::string help)
        : m_names(std::move(names)), m_flag_target(target), m_help(std::move(help)) {}

    Option& required() { return m_required = true, *this; }
    Option& type_name(std::string name) { return m_type_name = std::move(name), *this; }
    Option& excludes(std::string names) { return m_excludes.push_back(std::move(names)), *this; }
    Option& one_of(std::vector<std::string> values) { return m_one_of = std::move(values), *this; }
    Option& positive() { return m_check = Check::positive, *this; }
    Option& non_negative() { return m_check = Check::non_negative, *this; }
    Option& show_default() { return m_show_default = true, *this; }

    // After parsing: whether the option was given (a value may equal the default).
    bool given() const { return m_given && m_given(); }

    // For the parser (cli/command_line.cpp).
    const std::string& names() const { return m_names; }
    const std::optional<Target>& target() const { return m_target; } // nothing for a flag
    const std::optional<FlagTarget>& flag_target() const { return m_flag_target; }
    const std::string& help() const { return m_help; }
    bool is_required() const { return m_required; }
    const std::string& type_name_text() const { return m_type_name; }
    const std::vector<std::string>& excluded() const { return m_excludes; }
    const std::vector<std::string>& allowed() const { return m_one_of; }
    Check check() const { return m_check; }
    bool shows_default() const { return m_show_default; }
    void set_given(std::function<bool()> given) { m_given = std::move(given); }

  private:
    std::string m_names;
    std::optional<Target> m_target;
    std::optional<FlagTarget> m_flag_target;
    std::string m_help;
    bool m_required = false;
    std::string m_type_name;
    std::vector<std::string> m_excludes;
    std::vector<std::string> m_one_of;
    Check m_check = Check::none;
    bool m_show_default = false;
    std::function<bool()> m_given;
};

// A command (pjm itself, a subcommand, a sub-subcommand) and what it takes.
class Command {
  public:
    Command(std::string name, std::string help)
        : m_name(std::move(name)), m_help(std::move(help)) {}

    Command& sub(std::string name, std::string help) {
        return m_subs.emplace_back(std::move(name), std::move(help));
    }
    template <class T> Option& option(std::string names, T& into, std::string help) {
        return m_options.emplace_back(std::move(names), Option::Target(&into), std::move(help));
    }
    // A switch; an int counts repetitions (-vv).
    Option& flag(std::string names, bool& into, std::string help) {
        return m_options.emplace_back(std::move(names), Option::FlagTarget(&into), std::move(help));
    }
    Option& flag(std::string names, int& count, std::string help) {
        return m_options.emplace_back(std::move(names), Option::FlagTarget(&count),
                                      std::move(help));
    }
    void footer(std::string text) { m_footer = std::move(text); }
    // How many subcommands must be given (0: any number up to one).
    void require_subcommand(int n) { m_require_subcommand = n; }
    // Runs when this is the deepest command given; returns the exit code.
    void on_run(std::function<int()> fn) { m_run = std::move(fn); }
    // Left out of --help (a command for the shell completions, not for people).
    void hide() { m_hidden = true; }
    bool hidden() const { return m_hidden; }

    // For the parser (cli/command_line.cpp).
    const std::string& name() const { return m_name; }
    const std::string& help() const { return m_help; }
    const std::string& footer_text() const { return m_footer; }
    int required_subcommands() const { return m_require_subcommand; }
    std::deque<Option>& options() { return m_options; }
    std::deque<Command>& subs() { return m_subs; }
    const std::function<int()>& runner() const { return m_run; }

  private:
    std::string m_name;
    std::string m_help;
    std::string m_footer;
    int m_require_subcommand = -1;
    bool m_hidden = false;
    std::deque<Option> m_options;
    std::deque<Command> m_subs;
    std::function<int()> m_run;
};

using Registrar = void (*)(Command& root, Context& ctx);

// A subcommand: the word that names it and the function that adds it (the one sub() it
// makes on the root carries the same name, checked by the unit tests).
struct CommandEntry {
    const char* name;
    Registrar add;
};

// Every subcommand, in the order `pjm --help` lists them.
const std::vector<CommandEntry>& all_commands();

// A help footer with examples, indented consistently.
std::string examples(std::initializer_list<const char*> lines);

} // namespace pjm::cli
