#include "cli/app.hpp"

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "cli/settings.hpp"
#include "cli/terminal.hpp"
#include "core/storage.hpp"
#include "store/store.hpp"
#include "util/module.hpp"

#include <algorithm>
#include <deque>
#include <iostream>
#include <streambuf>
#include <string_view>

namespace pjm::cli {

namespace {

constexpr const char* k_description =
    "pjm: record and move PipelineJobs through their lifecycle.\n"
    "Client mode (default) sends messages to a manager; --local applies them to a database.";

constexpr const char* k_footer =
    R"HELP(Settings come from flags, then PJM_* environment variables, then the config
file ($XDG_CONFIG_HOME/pjm/config.toml, then /etc/pjm/config.toml), then defaults.
Exit codes: 0 done, 1 internal, 2 usage, 3 invalid message, 4 not found,
5 not authorized, 6 conflict, 7 remote failure, 8 storage failure, 75 queued.

Examples:
  pjm --local pipeline add --name demo
  pjm --local create --pipeline 106... --archive-path /archive/run1 --data '{"n": 1}'
  eval "$(pjm --local create --pipeline demo --archive-path /a \
      --template 'export PJM_JOB_UUID={uuid} PJM_TOKEN={token}')"
  pjm --local event run
  pjm --local status 107ea041            (a UUID prefix does in local mode)
  pjm --local list --state RUNNING --template '{uuid}\t{updated}'
Run 'pjm <command> --help' for a command's options and examples.)HELP";

struct NullBuffer : std::streambuf {
    int overflow(int c) override { return c; }
};

// -q: std::cout writes into a NullBuffer until run() returns, then into its own buffer again:
// the streams are flushed at exit, after run()'s objects are gone.
class QuietStdout {
  public:
    explicit QuietStdout(bool quiet) : m_saved(quiet ? std::cout.rdbuf(&m_nowhere) : nullptr) {}
    ~QuietStdout() {
        if (m_saved) std::cout.rdbuf(m_saved);
    }
    QuietStdout(const QuietStdout&) = delete;
    QuietStdout& operator=(const QuietStdout&) = delete;

  private:
    NullBuffer m_nowhere;
    std::streambuf* m_saved;
};

struct SettingFlag {
    Option* option;
    std::string setting;
    std::string value;
};

std::string version_text() {
    std::string text = "pjm " PJM_VERSION "\nstorage backends:";
    for (const auto& b : store::backends())
        text += " " + b;
    auto modules = util::available_modules();
    text += "\nmodules:";
    for (const auto& m : modules)
        text += " " + m;
    if (modules.empty()) text += " none found";
    text += " (in";
    for (const auto& d : util::module_dirs())
        text += " " + d;
    text += ")";
    return text;
}

} // namespace

std::string examples(std::initializer_list<const char*> lines) {
    std::string out = "\nExamples:";
    for (const char* l : lines)
        out += std::string("\n  ") + l;
    return out;
}

namespace {

// What pjm's own options write into, besides the context.
struct RootValues {
    bool version = false;
    std::string color = "auto";
    // A deque keeps each value's address stable while CLI11 holds a reference to it.
    std::deque<SettingFlag> setting_flags;
};

void describe_root(Command& app, Context& ctx, RootValues& values) {
    app.footer(k_footer);
    app.flag("--version", values.version, "Print the version and the compiled-in backends");
    app.flag("--local", ctx.flags.local,
             "Apply messages to the configured database instead of sending them (PJM_LOCAL)");
    app.flag("--json", ctx.flags.json, "Print one JSON document on stdout");
    app.option("--template", ctx.flags.output_template,
               "Print each result document (each element of a list) through TEMPLATE, one line "
               "each, instead of JSON: {uuid}, {state}, {job.state}; \\t is a tab")
        .type_name("TEMPLATE");
    app.flag("-q,--quiet", ctx.flags.quiet,
             "Print nothing on stdout: the exit code tells the outcome (errors and warnings "
             "still go to stderr)");
    app.flag("--dry-run", ctx.flags.dry_run,
             "Print the message and its target (secrets redacted); send nothing");
    app.flag("-v,--verbose", ctx.flags.verbose, "Explain what pjm does on stderr (repeatable)");
    app.flag("--sync", ctx.flags.sync,
             "Client mode: ask the manager to handle the message before replying");
    app.flag("--wait", ctx.flags.wait,
             "Client mode: wait for the execution to complete and exit with its outcome");
    app.option("--wait-timeout", ctx.flags.wait_seconds,
               "Client mode: seconds --wait waits for the execution (default 60)")
        .positive();
    app.flag("--no-outbox", ctx.flags.no_outbox,
             "Client mode: when delivery fails, exit 7 instead of queueing (exit 75)");
    app.flag("--insecure", ctx.flags.insecure,
             "Client mode: do not verify the manager's TLS certificate (unsafe)");
    app.option("--config", ctx.flags.config,
               "Config file to read instead of the defaults (PJM_CONFIG)");
    app.option("--color", values.color,
               "Colour human output: auto (on a terminal, unless NO_COLOR is set or "
               "TERM=dumb), always, never")
        .one_of({"auto", "always", "never"});
    for (const SettingDef& def : setting_defs()) {
        if (def.option.empty()) continue;
        auto& sf =
            values.setting_flags.emplace_back(SettingFlag{nullptr, std::string(def.name), {}});
        sf.option = &app.option(std::string(def.option), sf.value, option_help(def))
                         .type_name(std::string(def.value_name));
    }
}

// Which commands a command line needs described: those its words name (a word may also be an
// option's value; then one more is described than needed, which costs only time). Describing
// and building a command's parser is most of what a short command costs at start
// (BENCHMARKS.md, per-process cost), so the others are left out; with none named, all are
// described (`pjm --help`, `pjm` alone and a mistyped command list them), except for a bare
// `pjm --version`.
enum class Described { named, all, none };

Described which_commands(int argc, char** argv, std::vector<Registrar>& named) {
    bool version = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word == "--") break;
        version = version || word == "--version";
        for (const CommandEntry& c : all_commands())
            if (word == c.name && std::find(named.begin(), named.end(), c.add) == named.end())
                named.push_back(c.add);
    }
    return !named.empty() ? Described::named : version ? Described::none : Described::all;
}

int refuse_usage(Context& ctx, const std::string& color, const std::string& message) {
    configure_terminal(parse_color_mode(color).value_or(ColorMode::automatic));
    print_error(ctx.flags.json, core::ErrorKind::usage,
                message + "\nRun 'pjm --help' or 'pjm <command> --help' for usage.");
    return core::exit_code(core::ErrorKind::usage);
}

// A refused command line, said as the parser that knows every command says it (with its "did
// you mean" for a mistyped command).
int refuse_with_every_command(int argc, char** argv) {
    Context ctx;
    RootValues values;
    Command app("pjm", k_description);
    describe_root(app, ctx, values);
    for (const CommandEntry& c : all_commands())
        c.add(app, ctx);
    CommandLine line(app);
    CommandLine::Parsed parsed = line.parse(argc, argv);
    if (parsed.status == CommandLine::Parsed::Status::help) return parsed.exit_code;
    return refuse_usage(ctx, values.color, parsed.message);
}

} // namespace

int run(int argc, char** argv) {
    // `pjm --version` alone, as scripts ask it, needs no parser: the same text, sooner.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::cout << version_text() << '\n';
        return 0;
    }
    Context ctx;
    RootValues values;
    Command app("pjm", k_description);
    describe_root(app, ctx, values);
    std::vector<Registrar> named;
    Described described = which_commands(argc, argv, named);
    if (described == Described::all)
        for (const CommandEntry& c : all_commands())
            c.add(app, ctx);
    for (Registrar add : named)
        add(app, ctx);

    CommandLine line(app);
    CommandLine::Parsed parsed = line.parse(argc, argv);
    if (parsed.status == CommandLine::Parsed::Status::help) return parsed.exit_code;
    if (parsed.status == CommandLine::Parsed::Status::error)
        return described == Described::all ? refuse_usage(ctx, values.color, parsed.message)
                                           : refuse_with_every_command(argc, argv);
    const std::string& color = values.color;
    bool version = values.version;
    auto& setting_flags = values.setting_flags;
    configure_terminal(parse_color_mode(color).value_or(ColorMode::automatic));
    // -q: stdout goes nowhere (a stream buffer that takes everything), whatever prints to it.
    QuietStdout quiet(ctx.flags.quiet);
    if (ctx.flags.output_template) {
        try {
            use_template(*ctx.flags.output_template);
        } catch (const CliError& e) {
            print_error(false, e.kind(), e.what());
            return core::exit_code(e.kind());
        }
        ctx.flags.json = true; // the commands build the documents the template reads
    }
    if (version) {
        std::cout << version_text() << '\n';
        return 0;
    }
    for (const auto& sf : setting_flags)
        if (sf.option->given()) ctx.flags.values[sf.setting] = sf.value;

    try {
        ctx.resolve();
        auto code = line.run();
        if (!code) {
            std::cerr << line.help() << '\n';
            print_error(ctx.flags.json, core::ErrorKind::usage, "no command given");
            return core::exit_code(core::ErrorKind::usage);
        }
        return *code;
    } catch (const CliError& e) {
        print_error(ctx.flags.json, e.kind(), e.what());
        return core::exit_code(e.kind());
    } catch (const core::StorageError& e) {
        print_error(ctx.flags.json, core::ErrorKind::storage, e.what());
        return core::exit_code(core::ErrorKind::storage);
    } catch (const std::exception& e) {
        print_error(ctx.flags.json, core::ErrorKind::internal,
                    std::string("internal error: ") + e.what());
        return core::exit_code(core::ErrorKind::internal);
    }
}

} // namespace pjm::cli
