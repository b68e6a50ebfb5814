#include "server/server.hpp"

#include "core/error.hpp"
#include "core/storage.hpp"
#include "server/checkpointer.hpp"
#include "server/envelope.hpp"
#include "server/http_server.hpp"
#include "server/pruner.hpp"
#include "server/routes.hpp"
#include "store/store.hpp"

#include <atomic>
#include <csignal>
#include <ctime>
#include <functional>
#include <pthread.h>
#include <sys/resource.h>
#include <thread>

#include <fmt/format.h>

namespace pjm::server {

namespace {

using Clock = std::chrono::steady_clock;

// How often the checkpointer copies the WAL into the database while messages arrive.
constexpr std::chrono::milliseconds k_checkpoint_period{100};
// How often old executions are pruned (--keep-executions), after the first time at start.
constexpr std::chrono::milliseconds k_prune_period{60'000};
// File descriptors kept for the database, logs and the rest when connections are capped.
constexpr rlim_t k_spare_descriptors = 64;

std::unique_ptr<store::Database> open_storage(const ServeConfig& config,
                                              const store::OpenOptions& options = {}) {
    return store::open(config.database_url, store::Create::yes, options);
}

// pjm's side of the HTTP server: the route table, the envelope, the request log.
class App : public HttpApp {
  public:
    explicit App(ServerContext& ctx) : m_ctx(ctx) {}

    std::optional<Response> on_head(Request& req) override { return route_head(m_ctx, req); }

    void on_request(Request& req, Response& res) override { handle(m_ctx, req, res); }
    // A message goes to the writer and is answered once its commit is done, holding no
    // thread; the other POSTs (a batch, a pipeline) wait for theirs on a waiting thread.
    Handling handling(const Request& req) const override {
        if (asynchronous(req)) return Handling::asynchronous;
        return req.method == "POST" ? Handling::waiting : Handling::inline_;
    }
    void start_request(Request& req, Response& res, Finish finish) override {
        start(m_ctx, req, res, std::move(finish));
    }

    Response refusal(int status, const std::string& message) override {
        Response res;
        reply(m_ctx, res, status, message);
        return res;
    }

    void on_reply(const Request& req, const Response& res, double milliseconds) override {
        auto field = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
        std::string line =
            fmt::format("{} {} {} {} {:.2f}ms", field(req.remote_addr), field(req.method),
                        field(loggable_target(req.target)), res.status, milliseconds);
        if (!res.log_detail.empty()) line += " " + res.log_detail;
        m_ctx.metrics.reply(res.status);
        m_ctx.log.write(line);
    }

  private:
    ServerContext& m_ctx;
};

// Raises the soft limit on open files to the hard one; returns how many connections fit.
std::size_t connection_cap(std::size_t wanted) {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return wanted;
    if (r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
        getrlimit(RLIMIT_NOFILE, &r);
    }
    if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur > wanted + k_spare_descriptors) return wanted;
    return r.rlim_cur > 2 * k_spare_descriptors ? r.rlim_cur - k_spare_descriptors
                                                : k_spare_descriptors;
}

// SIGHUP: the credential files, then the TLS certificate and key, read again and swapped in
// whole; what cannot be read is reported and the old set stays (docs/http.md#reloading).
void reload(const ServeConfig& config, LiveCredentials& credentials, HttpServer& server,
            RequestLog& log) {
    std::string done, failed;
    try {
        credentials.reload();
        done = "credentials (" + credentials.summary() + ")";
    } catch (const std::invalid_argument& e) {
        failed = std::string("credentials: ") + e.what();
    }
    if (config.tls_cert) {
        try {
            server.use_tls(*config.tls_cert, *config.tls_key);
            done += std::string(done.empty() ? "" : " and ") + "the TLS certificate " +
                    *config.tls_cert;
        } catch (const std::invalid_argument& e) {
            failed += std::string(failed.empty() ? "" : "; ") + "TLS: " + e.what();
        }
    }
    if (!done.empty()) log.write("pjm serve: SIGHUP: reloaded " + done);
    if (!failed.empty())
        log.write("pjm serve: SIGHUP: reload failed, the previous ones stay in use: " + failed);
}

// Waits for SIGTERM or SIGINT (blocked in every thread, like SIGHUP) and stops the server;
// SIGHUP reloads. Returns when `done` is set.
void watch_signals(const sigset_t& signals, const std::function<void()>& on_hangup,
                   HttpServer& server, RequestLog& log, const std::atomic<bool>& done) {
    while (!done) {
        timespec wait{0, 200 * 1000 * 1000};
        int sig = sigtimedwait(&signals, nullptr, &wait);
        if (sig == SIGHUP) {
            // Never ends the server: a terminal that closes sends it too.
            on_hangup();
            continue;
        }
        if (sig == SIGTERM || sig == SIGINT) {
            log.write(std::string("pjm serve: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                      ": finishing the requests in flight, then stopping");
            server.stop();
            return;
        }
    }
}

} // namespace

int run(const ServeConfig& config, std::string& error) {
    LiveCredentials auth(CredentialSources{
        config.bearer_file, config.nonce_file, config.tapis_token_file, config.tapis_public_key,
        config.tapis_tenants, config.tapis_users, config.no_auth, config.admin_credential_file,
        config.viewer_credential_file});
    core::SystemClock clock;
    RequestLog log;
    Metrics metrics;
    std::unique_ptr<store::Database> writer_storage, checkpoint_storage;
    StoragePool reads([&config] { return open_storage(config); }, config.read_threads);
    core::HandlerConfig handler = config.handler;
    try {
        // Commits do not copy the WAL into the database themselves; a checkpointer does, on
        // its own connection, so no reply waits for it.
        writer_storage = open_storage(config, {.automatic_checkpoints = false});
        for (const auto& w : writer_storage->warnings())
            log.write("pjm serve: warning: " + w);
        checkpoint_storage = open_storage(config);
        reads.acquire(); // a read connection opens as well: fail now, not on the first request
        // Every database gets a random admin secret when it is made; it serves when the
        // site configures none.
        if (config.secret_from_database)
            handler.admin.secret = writer_storage->get_setting("admin_secret").value_or("");
    } catch (const core::StorageError& e) {
        error = e.what();
        return core::exit_code(core::ErrorKind::storage);
    }

    // Signals go to the watcher thread only: block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not end the server

    Writer writer(std::move(writer_storage), clock, handler, config.actor_id);
    Checkpointer checkpointer(
        std::move(checkpoint_storage), k_checkpoint_period, [&writer] { return writer.batches(); },
        [&log](const std::string& why) { log.write("pjm serve: checkpoint failed: " + why); });
    // Starting failed after the threads above began: they stop, the signal mask is restored.
    auto fail_start = [&](core::ErrorKind kind, std::string why) {
        writer.stop();
        checkpointer.stop();
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        error = std::move(why);
        return core::exit_code(kind);
    };
    std::unique_ptr<Pruner> pruner;
    if (config.keep_executions_s > 0) {
        try {
            pruner = std::make_unique<Pruner>(
                open_storage(config), std::chrono::seconds(config.keep_executions_s),
                k_prune_period, clock, [&log](const std::string& line) { log.write(line); });
        } catch (const core::StorageError& e) {
            return fail_start(core::ErrorKind::storage, e.what());
        }
    }
    ServerContext ctx{config, auth, handler.admin, reads, writer, metrics, log, clock};

    ServerLimits limits;
    limits.max_body = config.max_body;
    limits.threads = config.threads;
    limits.max_connections = connection_cap(limits.max_connections);
    App app(ctx);
    HttpServer server(limits, app);
    int port = 0;
    try {
        if (config.tls_cert) server.use_tls(*config.tls_cert, *config.tls_key);
    } catch (const std::invalid_argument& e) {
        return fail_start(core::ErrorKind::usage, e.what());
    }
    try {
        port = server.listen(config.listen.host, config.listen.port);
    } catch (const std::exception& e) {
        return fail_start(core::ErrorKind::internal,
                          "cannot listen on " + config.listen.host + ":" +
                              std::to_string(config.listen.port) + ": " + e.what() +
                              " (address in use, not an address of this machine, or a port "
                              "below 1024?)");
    }
    std::string host = config.listen.host.find(':') != std::string::npos
                           ? "[" + config.listen.host + "]"
                           : config.listen.host;
    log.write(fmt::format("pjm serve: listening on {}://{}:{}/actors/v2/{}/messages "
                          "(database {}, {} threads, {} connections at most, body limit {} "
                          "bytes, {})",
                          config.tls_cert ? "https" : "http", host, port, config.actor_id,
                          config.database_url, limits.threads, limits.max_connections,
                          config.max_body, auth.summary()));
    if (!config.tls_cert && !is_loopback(config.listen))
        log.write(fmt::format(
            "pjm serve: warning: plain HTTP on {}, which other machines can reach: bearer "
            "tokens, nonces and job tokens cross the network readable. Give --tls-cert and "
            "--tls-key, or listen on 127.0.0.1 behind a TLS proxy",
            host));

    std::atomic<bool> done{false};
    std::thread watcher([&] {
        watch_signals(
            signals, [&] { reload(config, auth, server, log); }, server, log, done);
    });
    server.run(); // returns once stopped and every connection is closed
    done = true;
    watcher.join();
    writer.stop();
    checkpointer.stop();
    if (pruner) pruner->stop();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    log.write("pjm serve: stopped");
    return core::exit_code(core::ErrorKind::ok);
}

} // namespace pjm::server
