#include "server/server.hpp"

#include "core/error.hpp"
#include "core/storage.hpp"
#include "server/checkpointer.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"
#include "store/store.hpp"

#include <atomic>
#include <csignal>
#include <ctime>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>

#include <fmt/format.h>

namespace pjm::server {

namespace {

using Clock = std::chrono::steady_clock;

// How long an idle keep-alive connection may hold its thread, and how many requests it may
// carry before it is closed (so waiting connections get a thread).
constexpr time_t k_keep_alive_seconds = 2;
constexpr std::size_t k_keep_alive_requests = 1000;
// How often the checkpointer copies the WAL into the database while messages arrive.
constexpr std::chrono::milliseconds k_checkpoint_period{100};

std::unique_ptr<store::Database> open_storage(const ServeConfig& config,
                                              const store::OpenOptions& options = {}) {
    return store::open(config.database_url, store::Create::yes, options);
}

void log_request(ServerContext& ctx, const httplib::Request& req, const httplib::Response& res) {
    RequestNote& note = request_note();
    std::string took = "-";
    if (note.started)
        took = fmt::format(
            "{:.2f}ms",
            std::chrono::duration<double, std::milli>(Clock::now() - note.start).count());
    auto field = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
    std::string line = fmt::format("{} {} {} {} {}", field(req.remote_addr), field(req.method),
                                   field(loggable_target(req.target)), res.status, took);
    if (!note.detail.empty()) line += " " + note.detail;
    ctx.metrics.reply(res.status);
    ctx.log.write(line);
    note = RequestNote{};
}

// Waits for SIGTERM or SIGINT (blocked in every thread) and stops the server; returns when
// `done` is set.
void watch_signals(const sigset_t& signals, httplib::Server& server, RequestLog& log,
                   const std::atomic<bool>& done) {
    while (!done) {
        timespec wait{0, 200 * 1000 * 1000};
        int sig = sigtimedwait(&signals, nullptr, &wait);
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
    Authenticator auth =
        Authenticator::from_files(config.bearer_file, config.nonce_file, config.no_auth);
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
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not end the server

    Writer writer(std::move(writer_storage), clock, handler, config.actor_id);
    Checkpointer checkpointer(
        std::move(checkpoint_storage), k_checkpoint_period, [&writer] { return writer.batches(); },
        [&log](const std::string& why) { log.write("pjm serve: checkpoint failed: " + why); });
    ServerContext ctx{config, auth, reads, writer, metrics, log, clock};

    httplib::Server server;
    std::size_t threads = config.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(config.max_body);
    server.set_keep_alive_timeout(k_keep_alive_seconds);
    server.set_keep_alive_max_count(k_keep_alive_requests);
    server.set_tcp_nodelay(true);
    // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a second server
    // on the same port would start and silently take half of the requests.
    socket_t listening = INVALID_SOCKET;
    server.set_socket_options([&listening](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listening = sock;
    });
    server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
        RequestNote& note = request_note();
        note.start = Clock::now();
        note.started = true;
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([&ctx](const httplib::Request& req, const httplib::Response& res) {
        log_request(ctx, req, res);
    });
    // Replies httplib makes itself (no route, unreadable request, body over the limit) get
    // the envelope too.
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [&ctx](const httplib::Request& req, httplib::Response& res) {
            // Handled either way: only then does cpp-httplib give a refusal made before
            // routing (Expect: 100-continue) its Content-Length.
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Handled;
            std::string message(status_message(res.status));
            int status = res.status;
            if (status == 404) message = "no route " + req.method + " " + loggable_target(req.path);
            if (status == 413) message = "the request body is over the limit (--max-body)";
            if (status == 414)
                message = "the request line is too long (8 KiB at most): send the message's "
                          "fields in the JSON body rather than the URL";
            if (status == 400)
                message = "malformed HTTP request: its request line or a header could not be "
                          "read (lines end with CRLF; 8 KiB at most)";
            // Methods cpp-httplib knows but no route takes (TRACE, CONNECT).
            if (status == 400 && (req.method == "TRACE" || req.method == "CONNECT")) {
                status = 405;
                message = req.method + " is not allowed";
                if (std::string allowed = allowed_methods(req.path); !allowed.empty()) {
                    res.set_header("Allow", allowed);
                    message += " on " + loggable_target(req.path) + "; it answers " + allowed;
                }
            }
            reply(ctx, res, status, message);
            return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [&ctx](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown error";
            try {
                if (ep) std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            int status = 500;
            reply(ctx, res, status, "internal error: " + what);
        });
    // A client that asks before sending its body (Expect: 100-continue) is refused before
    // sending it when it has no credentials, names another actor, or announces too much. The
    // connection closes after the refusal: a client may send the body anyway.
    server.set_expect_100_continue_handler(
        [&ctx](const httplib::Request& req, httplib::Response& res) {
            if (!actor_of(req.path)) return 100;
            request_note().start = Clock::now();
            request_note().started = true;
            auto refuse = [&req](int status) {
                const_cast<httplib::Request&>(req).set_header("Connection", "close");
                return status;
            };
            if (!admit(ctx, req, res)) return refuse(res.status);
            try {
                auto length = announced_length(req);
                if (length && *length > ctx.config.max_body) {
                    reply(ctx, res, 413, body_too_large(ctx.config.max_body));
                    return refuse(413);
                }
                check_content_encoding(req);
            } catch (const RequestError& e) {
                reply(ctx, res, e.status, e.what());
                return refuse(e.status);
            }
            return 100;
        });
    add_routes(server, ctx);

    int port = config.listen.port;
    bool bound = port == 0 ? (port = server.bind_to_any_port(config.listen.host)) > 0
                           : server.bind_to_port(config.listen.host, port);
    if (!bound) {
        writer.stop();
        checkpointer.stop();
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        error = "cannot listen on " + config.listen.host + ":" +
                std::to_string(config.listen.port) +
                " (address in use, not an address of this machine, or a port below 1024?)";
        return core::exit_code(core::ErrorKind::internal);
    }
    // Debian's cpp-httplib is a compiled library that listens with a backlog of 5: a burst
    // of new connections (32 clients at once) overflows it and the kernel resets some. Listening
    // again on the bound socket only widens the queue.
    if (listening != INVALID_SOCKET) ::listen(listening, SOMAXCONN);
    std::string host = config.listen.host.find(':') != std::string::npos
                           ? "[" + config.listen.host + "]"
                           : config.listen.host;
    log.write(fmt::format("pjm serve: listening on http://{}:{}/actors/v2/{}/messages "
                          "(database {}, {} threads, body limit {} bytes, {})",
                          host, port, config.actor_id, config.database_url, threads,
                          config.max_body,
                          config.no_auth ? "no authentication"
                                         : fmt::format("{} bearer tokens, {} nonces",
                                                       auth.bearer_count(), auth.nonce_count())));

    std::atomic<bool> done{false};
    std::thread watcher([&] { watch_signals(signals, server, log, done); });
    bool clean = server.listen_after_bind(); // returns once stopped and every worker is done
    done = true;
    watcher.join();
    writer.stop();
    checkpointer.stop();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    log.write("pjm serve: stopped");
    if (!clean) {
        error = "the server stopped unexpectedly";
        return core::exit_code(core::ErrorKind::internal);
    }
    return core::exit_code(core::ErrorKind::ok);
}

} // namespace pjm::server
