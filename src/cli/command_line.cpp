#include "cli/command_line.hpp"

#include "core/suggest.hpp"

#include <map>

#include <CLI/CLI.hpp>

namespace pjm::cli {

namespace {

// A number above zero (or from zero on), said plainly: CLI11's own checks print the whole
// range of a double (310 digits).
CLI::Validator number_check(bool positive) {
    return CLI::Validator(
        [positive](std::string& text) -> std::string {
            double v = 0;
            try {
                std::size_t used = 0;
                v = std::stod(text, &used);
                if (used != text.size()) return "'" + text + "' is not a number";
            } catch (const std::exception&) {
                return "'" + text + "' is not a number";
            }
            if (positive && !(v > 0)) return "must be above 0, not " + text;
            if (!positive && !(v >= 0)) return "must be 0 or more, not " + text;
            return {};
        },
        positive ? "POSITIVE" : "NONNEGATIVE");
}

// What --help shows after a text option that names no type of its own: the same word for the
// same option in every command (a number that is read as text stays a number here).
std::string default_type_name(const std::string& names) {
    static const std::map<std::string, std::string, std::less<>> words = {
        {"--token", "TOKEN"}, {"--data", "JSON"},        {"--state", "STATE"},
        {"--history", "N"},   {"--before", "N"},         {"--execution", "ID"},
        {"--job", "UUID"},    {"--url", "URL"},          {"--name", "NAME"},
        {"--uuid", "UUID"},   {"--description", "TEXT"}, {"--archive-path", "PATH"},
        {"--query", "QUERY"}, {"--key", "KEY"},
    };
    auto comma = names.rfind(',');
    std::string name = comma == std::string::npos ? names : names.substr(comma + 1);
    auto it = words.find(name);
    return it == words.end() ? "" : it->second;
}

} // namespace

struct CommandLine::Impl {
    CLI::App app;
    std::map<const CLI::App*, const Command*> commands;

    // pjm itself: its options also after a subcommand's, and at most one subcommand.
    explicit Impl(Command& root) : app(root.help(), root.name()) {
        app.fallthrough();
        app.require_subcommand(0, 1);
        build(app, root);
    }

    void build(CLI::App& app, Command& spec) {
        commands[&app] = &spec;
        if (!spec.footer_text().empty()) app.footer(spec.footer_text());
        if (spec.required_subcommands() >= 0) app.require_subcommand(spec.required_subcommands());
        std::map<std::string, CLI::Option*> by_name;
        for (Option& o : spec.options()) {
            CLI::Option* opt = nullptr;
            if (o.flag_target())
                opt = std::visit([&](auto* t) { return app.add_flag(o.names(), *t, o.help()); },
                                 *o.flag_target());
            else
                opt = std::visit([&](auto* t) { return app.add_option(o.names(), *t, o.help()); },
                                 *o.target());
            if (o.is_required()) opt->required();
            if (!o.type_name_text().empty())
                opt->type_name(o.type_name_text());
            else if (auto word = default_type_name(o.names());
                     !word.empty() && o.target() && !o.flag_target())
                opt->type_name(word);
            if (!o.allowed().empty()) opt->check(CLI::IsMember(o.allowed()));
            if (o.check() == Option::Check::positive) opt->check(number_check(true));
            if (o.check() == Option::Check::non_negative) opt->check(number_check(false));
            if (o.shows_default()) opt->capture_default_str();
            for (const auto& other : o.excluded()) {
                auto it = by_name.find(other);
                if (it != by_name.end())
                    opt->excludes(it->second);
                else
                    opt->excludes(other);
            }
            o.set_given([opt] { return opt->count() > 0; });
            by_name[o.names()] = opt;
        }
        for (Command& sub : spec.subs()) {
            CLI::App* child = app.add_subcommand(sub.name(), sub.help());
            if (sub.hidden()) child->group(""); // CLI11 leaves a group-less command out of --help
            build(*child, sub);
        }
    }
};

CommandLine::CommandLine(Command& root) : m_impl(std::make_unique<Impl>(root)) {}
CommandLine::~CommandLine() = default;

CommandLine::Parsed CommandLine::parse(int argc, char** argv) {
    CLI::App& app = m_impl->app;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return {Parsed::Status::help, app.exit(e), {}};
    } catch (const CLI::CallForAllHelp& e) {
        return {Parsed::Status::help, app.exit(e), {}};
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        auto rest = app.remaining();
        if (app.get_subcommands().empty() && !rest.empty() && rest.front().front() != '-') {
            // The first word that is not an option names no command: say so, with a hint.
            std::vector<std::string> names;
            for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
                names.push_back(sub->get_name());
            msg = "unknown command '" + rest.front() + "'";
            std::string hint = core::nearest(rest.front(), names);
            if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
        }
        return {Parsed::Status::error, e.get_exit_code(), msg};
    }
    return {};
}

std::optional<int> CommandLine::run() const {
    const CLI::App* current = &m_impl->app;
    while (true) {
        auto subs = current->get_subcommands();
        if (subs.empty()) break;
        current = subs.front();
    }
    auto it = m_impl->commands.find(current);
    if (it == m_impl->commands.end() || !it->second->runner()) return std::nullopt;
    return it->second->runner()();
}

std::string CommandLine::help() const {
    return m_impl->app.help();
}

} // namespace pjm::cli
