#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "core/error.hpp"
#include "core/typed_uuid.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>

namespace pjm::cli {

namespace {

struct ExecArgs {
    std::string uuid;
    std::string token;
    bool strict = false; // no command when run is refused for a reason that will not go away
    std::vector<std::string> command;
};

volatile sig_atomic_t g_child = 0;

void forward(int sig) {
    if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
}

// pjm's own reports go to stderr while it wraps a command: stdout belongs to the command.
class StdoutToStderr {
  public:
    StdoutToStderr() : m_saved(::dup(STDOUT_FILENO)) {
        std::cout.flush();
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
    }
    ~StdoutToStderr() {
        std::cout.flush();
        if (m_saved >= 0) {
            ::dup2(m_saved, STDOUT_FILENO);
            ::close(m_saved);
        }
    }
    StdoutToStderr(const StdoutToStderr&) = delete;
    StdoutToStderr& operator=(const StdoutToStderr&) = delete;

  private:
    int m_saved;
};

// Sends one event; whatever happens, the wrapped command's outcome is not affected. Returns the
// event's exit code.
int report(Context& ctx, const std::string& uuid, const std::optional<std::string>& token,
           const char* name, const nlohmann::json& data, bool strict = false) {
    nlohmann::json body = {{"uuid", uuid}, {"name", name}, {"data", data}};
    if (token) body["token"] = *token;
    StdoutToStderr redirect;
    int code = 0;
    try {
        code = deliver(ctx, body, {});
    } catch (const std::exception& e) {
        std::cerr << "pjm: error: " << e.what() << '\n';
        code = 1;
    }
    if (code != 0 && code != 75 && !strict)
        std::cerr << "pjm: warning: event '" << name << "' was not recorded (exit " << code
                  << "); the command's own exit status is unaffected\n";
    return code;
}

// The batch scheduler's name for the job this command runs in, from the environment it gives
// the job (docs/integrations.md#schedulers): {name: slurm, job_id, cluster?} or {name: pbs,
// job_id, server?}; null outside a scheduler. Kept in the run entry, so that what the
// scheduler reports later about its job can be matched to this PipelineJob.
nlohmann::json scheduler_facts() {
    auto env = [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        if (v == nullptr || *v == '\0') return std::nullopt;
        return std::string(v);
    };
    auto facts = [&](const char* scheduler, const std::string& id, const char* where_key,
                     const char* where_var) {
        nlohmann::json f = {{"name", scheduler}, {"job_id", id}};
        if (auto where = env(where_var)) f[where_key] = *where;
        return f;
    };
    if (auto id = env("SLURM_JOB_ID")) return facts("slurm", *id, "cluster", "SLURM_CLUSTER_NAME");
    if (auto id = env("PBS_JOBID")) return facts("pbs", *id, "server", "PBS_SERVER");
    return nullptr;
}

// A refusal of run that sending again will not change: the job is unknown, the token wrong, the
// state does not allow run, the message is invalid. (75, queued, and 7, unreachable, may pass.)
bool refused_for_good(int code) {
    using core::ErrorKind;
    for (ErrorKind k :
         {ErrorKind::invalid, ErrorKind::not_found, ErrorKind::unauthorized, ErrorKind::conflict})
        if (code == core::exit_code(k)) return true;
    return false;
}

std::string hostname() {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

int run_exec(Context& ctx, ExecArgs a) {
    // After "--" every word is positional, so the first one fills <uuid> even when it is the
    // command: only a job UUID is taken as the job.
    if (!a.uuid.empty() && !core::is_typed_uuid(a.uuid, core::UuidType::job)) {
        a.command.insert(a.command.begin(), a.uuid);
        a.uuid.clear();
    }
    if (!a.command.empty() && a.command.front() == "--") a.command.erase(a.command.begin());
    if (a.command.empty())
        usage_error("no command to run: pjm exec [<job-uuid>] -- <command> [args…]");
    std::string uuid = ctx.job_uuid(a.uuid);
    auto token = ctx.token(a.token);
    std::string host = hostname();
    nlohmann::json run_data = {{"host", host}, {"command", a.command}};
    if (auto scheduler = scheduler_facts(); !scheduler.is_null()) run_data["scheduler"] = scheduler;
    int run = report(ctx, uuid, token, "run", run_data, a.strict);
    if (a.strict && refused_for_good(run)) {
        std::cerr << "pjm: error: --strict: not starting " << a.command.front()
                  << ": the job's run was refused (exit " << run
                  << "), and its finish would be too\n";
        return run;
    }
    if (run != 0 && run != 75 && a.strict)
        std::cerr << "pjm: warning: event 'run' was not recorded (exit " << run
                  << "); starting the command anyway: the manager may take its events later\n";

    auto start = std::chrono::steady_clock::now();
    struct sigaction sa {};
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
        ::sigaction(sig, &sa, nullptr);

    int exec_error[2];
    if (::pipe2(exec_error, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t child = ::fork();
    if (child < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (child == 0) {
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
            ::signal(sig, SIG_DFL);
        std::vector<char*> argv;
        for (const auto& s : a.command)
            argv.push_back(const_cast<char*>(s.c_str()));
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        int err = errno;
        (void)!::write(exec_error[1], &err, sizeof err);
        ::_exit(err == ENOENT ? 127 : 126);
    }
    g_child = child;
    ::close(exec_error[1]);
    int err = 0;
    bool exec_failed = ::read(exec_error[0], &err, sizeof err) == sizeof err;
    ::close(exec_error[0]);

    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    g_child = 0;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    nlohmann::json data = {{"exit_code", WIFEXITED(status) ? nlohmann::json(WEXITSTATUS(status))
                                                           : nlohmann::json(nullptr)},
                           {"signal", WIFSIGNALED(status) ? nlohmann::json(WTERMSIG(status))
                                                          : nlohmann::json(nullptr)},
                           {"duration_s", std::round(seconds * 1000) / 1000},
                           {"host", host}};
    if (exec_failed) {
        data["error"] = std::string("cannot run ") + a.command.front() + ": " + std::strerror(err);
        std::cerr << "pjm: error: " << data["error"].get<std::string>() << '\n';
    }
    ctx.restart_budget(); // the command's time is not the finish's
    report(ctx, uuid, token, code == 0 ? "finish" : "fail", data);
    return code;
}

} // namespace

void add_exec_command(Command& root, Context& ctx) {
    auto args = std::make_shared<ExecArgs>();
    auto& sub = root.sub("exec", "Run a command as the job: send run, run it, send finish or fail");
    sub.option("uuid", args->uuid, "The job's UUID (default: PJM_JOB_UUID)");
    sub.option("--token", args->token, "The job's token (default: PJM_TOKEN)");
    sub.flag("--strict", args->strict,
             "Do not start the command when run is refused for good (unknown job, wrong token, "
             "a state that does not allow run): exit with the refusal's code");
    sub.option("command", args->command, "The command and its arguments, after --");
    // No positionals_at_end(): with it, `exec JOB --token T -- cmd` took --token and T for
    // the command. Options go before `--`; everything after it is the command.
    sub.footer(examples({
        "pjm exec -- ./align.sh sample42.fastq          (PJM_JOB_UUID and PJM_TOKEN set)",
        "pjm --local exec 107... --token T -- make -j8 all",
        "pjm exec --strict -- ./publish.sh   (nothing runs unrecorded: a bad token stops it)",
        "The command's stdin, stdout and stderr pass through, signals are forwarded, and pjm",
        "exits with the command's status; events that cannot be sent never change it. With",
        "--strict a refused run (3, 4, 5, 6) stops the command from starting; a manager that",
        "cannot be reached (75, 7) does not. Inside a Slurm or PBS job, run's data names it:",
        "scheduler {name, job_id, cluster or server}.",
    }));
    sub.on_run([&ctx, args] { return run_exec(ctx, *args); });
}

} // namespace pjm::cli
