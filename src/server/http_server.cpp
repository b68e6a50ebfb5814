// One coroutine per connection on Asio's event loop, run by `threads` threads. A connection
// that is waiting, trickling or silent holds no thread: only handling a complete request
// does. Each connection has a watchdog that cancels its pending read or write at its
// deadline; its coroutine and watchdog run on one strand, so they never run at once.
// With TLS, a connection's bytes pass through an OpenSSL stream over the same socket; only the
// way a read waits changes (a TLS read needs a buffer while it waits).
#include "server/http_server.hpp"

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace pjm::server {

namespace {

using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr Clock::time_point k_never = Clock::time_point::max();

std::string_view reason(int status) {
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

// Whether a Connection header (or several) lists `token`.
bool connection_has(const Request& req, std::string_view token) {
    for (const Header& h : req.headers) {
        if (!same_name(h.name, "Connection")) continue;
        std::string_view v = h.value;
        while (!v.empty()) {
            auto comma = v.find(',');
            std::string_view item = v.substr(0, comma);
            auto first = item.find_first_not_of(" \t");
            auto last = item.find_last_not_of(" \t");
            if (first != std::string_view::npos &&
                same_name(item.substr(first, last - first + 1), token))
                return true;
            if (comma == std::string_view::npos) break;
            v.remove_prefix(comma + 1);
        }
    }
    return false;
}

std::string serialize(const Request& req, const Response& res, bool close) {
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " ";
    out += reason(res.status);
    out += "\r\n";
    if (!res.content_type.empty()) out += "Content-Type: " + res.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
    for (const Header& h : res.headers)
        out += h.name + ": " + h.value + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    else if (req.minor_version == 0)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (req.method != "HEAD") out += res.body;
    return out;
}

using TlsStream = asio::ssl::stream<tcp::socket&>;

struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)), watchdog(socket.get_executor()) {}
    tcp::socket socket;
    // With TLS: the context it was accepted under (kept alive while it lasts, whatever a
    // reload does), the stream over `socket`, and the buffer a read waits with.
    std::shared_ptr<asio::ssl::context> tls_context;
    std::unique_ptr<TlsStream> tls;
    std::vector<char> tls_buffer;
    asio::steady_timer watchdog;
    Clock::time_point deadline = k_never;
    Clock::time_point armed = k_never; // when the watchdog's timer fires
    bool timed_out = false;            // the last read or write was cancelled at its deadline
    bool idle = false;                 // waiting for the first byte of a request
    bool closing = false;              // the server stops: close once the reply in flight is sent
    std::string remote;

    // The watchdog is woken only when the deadline comes before its timer: a later deadline
    // (or none) is found when the timer fires, so a request's reads and writes, which move the
    // deadline on, cost no timer operation.
    void set_deadline(Clock::time_point t) {
        deadline = t;
        if (t < armed) watchdog.cancel();
    }
};

// Appends what the socket holds now to `buf` (a plain function: the buffer lives on the stack
// for the call only, never in a waiting coroutine's frame).
std::size_t take_available(tcp::socket& socket, std::string& buf, asio::error_code& ec) {
    std::array<char, 16384> chunk;
    std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    if (!ec) buf.append(chunk.data(), n);
    return n;
}

// Why a request ended before the application saw it.
enum class Ended { no, quietly, refused };

} // namespace

struct HttpServer::Impl {
    Impl(const ServerLimits& l, HttpApp& a) : limits(l), app(a) {}

    static std::vector<std::unique_ptr<asio::io_context>> make_loops(std::size_t threads,
                                                                     std::size_t per_loop) {
        threads = std::max<std::size_t>(threads, 1);
        per_loop = std::clamp<std::size_t>(per_loop, 1, threads);
        std::vector<std::unique_ptr<asio::io_context>> out;
        for (std::size_t i = 0; i < (threads + per_loop - 1) / per_loop; ++i)
            out.push_back(std::make_unique<asio::io_context>(static_cast<int>(per_loop)));
        return out;
    }
    // Once nothing is left to serve, the loops may return (accept_strand only).
    void let_loops_end() { keep_running.clear(); }
    void stop_loops() {
        for (auto& loop : loops)
            loop->stop();
    }

    ServerLimits limits;
    HttpApp& app;
    // Event loops of `threads_per_loop` threads each: a connection lives on one loop from
    // accept to close. One loop run by every thread spent its time on that loop's lock; a loop
    // per thread stalled a loop's connections whenever the kernel took its thread off the
    // CPU (docs/http.md).
    std::vector<std::unique_ptr<asio::io_context>> loops =
        make_loops(limits.threads, limits.threads_per_loop);
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    std::size_t next_loop = 0; // where the next connection goes (accept_strand only)
    asio::strand<asio::io_context::executor_type> accept_strand = asio::make_strand(*loops[0]);
    tcp::acceptor acceptor{accept_strand};
    asio::steady_timer slot_timer{accept_strand};
    asio::steady_timer grace_timer{accept_strand};
    std::atomic<std::size_t> live{0};
    std::atomic<bool> stopping{false};
    std::mutex conns_mutex;
    std::set<std::shared_ptr<Connection>> conns;
    mutable std::mutex tls_mutex;
    std::shared_ptr<asio::ssl::context> tls_context; // null: plain HTTP
    std::unique_ptr<asio::thread_pool> waiting;      // Handling::waiting requests, while run() runs

    awaitable<void> accept_loop();
    awaitable<void> session(std::shared_ptr<Connection> c);
    static awaitable<void> watch(std::shared_ptr<Connection> c);
    awaitable<std::size_t> read_some(Connection& c, std::string& buf, Clock::time_point until);
    awaitable<bool> write_all(Connection& c, const std::string& data);
    awaitable<void> linger_close(Connection& c);
    awaitable<void> finished(Request& req, Response& res);
    void ended(const std::shared_ptr<Connection>& c);
};

awaitable<void> HttpServer::Impl::watch(std::shared_ptr<Connection> c) {
    asio::error_code ec;
    while (c->socket.is_open()) {
        if (c->deadline <= Clock::now()) {
            c->timed_out = true;
            c->deadline = k_never;
            c->socket.cancel(ec);
            continue;
        }
        c->armed = c->deadline;
        c->watchdog.expires_at(c->armed);
        co_await c->watchdog.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

// Waits until the socket can be read (holding no buffer while it waits: an idle connection
// costs little), then takes what is there.
awaitable<std::size_t> HttpServer::Impl::read_some(Connection& c, std::string& buf,
                                                   Clock::time_point until) {
    asio::error_code ec;
    c.timed_out = false;
    c.set_deadline(until);
    if (c.tls) {
        std::size_t n = co_await c.tls->async_read_some(
            asio::buffer(c.tls_buffer), asio::redirect_error(asio::use_awaitable, ec));
        c.set_deadline(k_never);
        if (ec) co_return 0;
        buf.append(c.tls_buffer.data(), n);
        co_return n;
    }
    for (;;) {
        co_await c.socket.async_wait(tcp::socket::wait_read,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        std::size_t n = take_available(c.socket, buf, ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
        if (ec) break;
        c.set_deadline(k_never);
        co_return n;
    }
    c.set_deadline(k_never);
    co_return 0;
}

awaitable<bool> HttpServer::Impl::write_all(Connection& c, const std::string& data) {
    asio::error_code ec;
    c.timed_out = false;
    c.set_deadline(Clock::now() + limits.write_timeout);
    if (c.tls)
        co_await asio::async_write(*c.tls, asio::buffer(data),
                                   asio::redirect_error(asio::use_awaitable, ec));
    else
        co_await asio::async_write(c.socket, asio::buffer(data),
                                   asio::redirect_error(asio::use_awaitable, ec));
    c.set_deadline(k_never);
    co_return !ec;
}

// After a reply that leaves part of a request unread: stop sending, then read and drop for a
// moment, so the client reads the reply before the connection is reset. Never the whole body.
awaitable<void> HttpServer::Impl::linger_close(Connection& c) {
    asio::error_code ec;
    // (A TLS connection cannot half-close under the TLS layer; it only drains.)
    if (!c.tls) c.socket.shutdown(tcp::socket::shutdown_send, ec);
    auto until = Clock::now() + std::chrono::seconds(1);
    std::size_t dropped = 0;
    std::string sink;
    while (!ec && dropped < limits.max_body + 64 * 1024 && Clock::now() < until) {
        sink.clear();
        std::size_t n = co_await read_some(c, sink, until);
        if (n == 0) break;
        dropped += n;
    }
    c.socket.close(ec);
}

// Starts an asynchronous request and completes when its finish has run its last step on the
// coroutine's own executor.
awaitable<void> HttpServer::Impl::finished(Request& req, Response& res) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
        [this, &req, &res](auto handler) {
            using Handler = decltype(handler);
            struct Waiting {
                explicit Waiting(Handler h) : resume(std::move(h)) {}
                Handler resume;
                std::atomic<bool> called{false};
            };
            auto w = std::make_shared<Waiting>(std::move(handler));
            auto finish = [this, w, &res](std::function<void()> then) {
                if (w->called.exchange(true)) return; // once only
                auto ex = asio::get_associated_executor(w->resume);
                asio::post(ex, [this, w, &res, then = std::move(then)] {
                    try {
                        if (then) then();
                    } catch (const std::exception& e) {
                        res = app.refusal(500, std::string("internal error: ") + e.what());
                    }
                    std::move(w->resume)();
                });
            };
            try {
                app.start_request(req, res, finish);
            } catch (const std::exception& e) {
                // (It must not throw; if it did before finishing, the request ends here.)
                std::string why = e.what();
                finish([this, &res, why] { res = app.refusal(500, "internal error: " + why); });
            }
        },
        asio::use_awaitable);
}

void HttpServer::Impl::ended(const std::shared_ptr<Connection>& c) {
    asio::error_code ec;
    c->socket.close(ec);
    c->watchdog.cancel();
    {
        std::lock_guard<std::mutex> lock(conns_mutex);
        conns.erase(c);
    }
    --live;
    asio::post(accept_strand, [this] {
        slot_timer.cancel();
        if (stopping && live == 0) {
            grace_timer.cancel();
            let_loops_end();
        }
    });
}

awaitable<void> HttpServer::Impl::session(std::shared_ptr<Connection> c) {
    asio::co_spawn(c->socket.get_executor(), watch(c), asio::detached);
    if (c->tls) {
        // The handshake is part of the head's time: a client that stalls in it is cut off
        // like one that stalls in its request line.
        asio::error_code ec;
        c->set_deadline(Clock::now() + limits.head_timeout);
        co_await c->tls->async_handshake(asio::ssl::stream_base::server,
                                         asio::redirect_error(asio::use_awaitable, ec));
        c->set_deadline(k_never);
        if (ec) {
            ended(c);
            co_return;
        }
    }
    std::string buf; // bytes read and not used yet (the start of the next request)
    for (std::size_t served = 0;; ++served) {
        Request req;
        req.remote_addr = c->remote;
        Response res;
        Ended ended_early = Ended::no;
        std::optional<RequestError> refused;
        bool unread = false; // part of the request may still be on its way
        Clock::time_point started = Clock::now(), head_done{};
        Framing framing;
        try {
            // The head: the first byte within keep_alive_timeout (head_timeout on a new
            // connection), the rest within head_timeout, never idle_timeout without a byte.
            HeadScan scan;
            std::size_t head_end = std::string::npos;
            bool any = !buf.empty();
            auto first_byte =
                started + (served == 0 ? limits.head_timeout : limits.keep_alive_timeout);
            while ((head_end = find_head_end(buf, limits.head, scan)) == std::string::npos) {
                auto until = any ? std::min(started + limits.head_timeout,
                                            Clock::now() + limits.idle_timeout)
                                 : first_byte;
                c->idle = !any;
                if (c->idle && (stopping || c->closing)) {
                    ended_early = Ended::quietly;
                    break;
                }
                std::size_t got = co_await read_some(*c, buf, until);
                c->idle = false;
                if (got == 0) {
                    if (!any || !c->timed_out)
                        ended_early = Ended::quietly;
                    else
                        throw RequestError(408, "the request's header did not arrive in time; "
                                                "send it at once");
                    break;
                }
                if (!any) started = Clock::now();
                any = true;
            }
            if (ended_early == Ended::no) {
                unread = true;
                parse_head(std::string_view(buf).substr(0, head_end), limits.head, req);
                buf.erase(0, head_end);
                head_done = Clock::now();
                if (auto refusal = app.on_head(req)) {
                    res = std::move(*refusal);
                    ended_early = Ended::refused;
                }
            }
            if (ended_early == Ended::no) {
                framing = body_framing(req);
                if (framing.kind == Framing::length && framing.bytes > limits.max_body)
                    throw RequestError(413, body_too_large(limits.max_body));
                check_content_encoding(req);
                if (framing.kind != Framing::none && req.has_header("Expect")) {
                    std::string expect = req.get_header_value("Expect");
                    if (!same_name(expect, "100-continue"))
                        throw RequestError(417, "Expect: only 100-continue is understood");
                    if (req.minor_version == 1 && buf.empty() &&
                        !co_await write_all(*c, "HTTP/1.1 100 Continue\r\n\r\n"))
                        ended_early = Ended::quietly;
                }
            }
            if (ended_early == Ended::no && framing.kind != Framing::none) {
                auto by = started + limits.request_timeout;
                auto late = [&](const std::string& got) {
                    return RequestError(408, "the request body stopped arriving (" + got +
                                                 "); send it at once");
                };
                if (framing.kind == Framing::length) {
                    while (buf.size() < framing.bytes) {
                        if (co_await read_some(
                                *c, buf, std::min(by, Clock::now() + limits.idle_timeout)) == 0) {
                            if (!c->timed_out)
                                ended_early = Ended::quietly;
                            else
                                throw late(std::to_string(buf.size()) + " of " +
                                           std::to_string(framing.bytes) + " bytes came");
                            break;
                        }
                    }
                    if (ended_early == Ended::no) {
                        req.body = buf.substr(0, framing.bytes);
                        buf.erase(0, framing.bytes);
                    }
                } else {
                    ChunkedDecoder chunks(limits.max_body);
                    for (;;) {
                        buf.erase(0, chunks.feed(buf, req.body));
                        if (chunks.done()) break;
                        if (co_await read_some(
                                *c, buf, std::min(by, Clock::now() + limits.idle_timeout)) == 0) {
                            if (!c->timed_out)
                                ended_early = Ended::quietly;
                            else
                                throw late("its last chunk never came");
                            break;
                        }
                    }
                }
                if (ended_early == Ended::no)
                    req.body = decode_content(req, std::move(req.body), limits.max_body);
            }
            if (ended_early == Ended::no) unread = false;
        } catch (const RequestError& e) {
            refused = e;
        }
        if (ended_early == Ended::quietly && !refused) break;
        if (head_done == Clock::time_point{}) head_done = Clock::now();

        bool close = stopping || c->closing || served + 1 >= limits.keep_alive_requests;
        if (refused) {
            res = app.refusal(refused->status, refused->what());
            close = true;
        } else if (ended_early == Ended::refused) {
            close = close || framing.kind != Framing::none || req.has_header("Content-Length") ||
                    req.has_header("Transfer-Encoding");
            unread = close;
        } else {
            auto handle = [&] {
                try {
                    app.on_request(req, res);
                } catch (const std::exception& e) {
                    res = app.refusal(500, std::string("internal error: ") + e.what());
                }
            };
            // A request that waits does so on a waiting thread; the coroutine comes back to
            // its strand when it is done (the socket is not touched meanwhile). An
            // asynchronous one holds no thread: its finish brings the coroutine back.
            auto how = app.handling(req);
            if (how == HttpApp::Handling::asynchronous)
                co_await finished(req, res);
            else if (waiting && how == HttpApp::Handling::waiting)
                co_await asio::co_spawn(
                    waiting->get_executor(),
                    [&]() -> awaitable<void> {
                        handle();
                        co_return;
                    },
                    asio::use_awaitable);
            else
                handle();
        }
        close = close || res.close || connection_has(req, "close") ||
                (req.minor_version == 0 && !connection_has(req, "keep-alive"));
        bool sent = co_await write_all(*c, serialize(req, res, close));
        app.on_reply(req, res,
                     std::chrono::duration<double, std::milli>(Clock::now() - head_done).count());
        if (!sent) break;
        if (close || c->closing || stopping) {
            if (unread) co_await linger_close(*c);
            break;
        }
    }
    ended(c);
}

awaitable<void> HttpServer::Impl::accept_loop() {
    asio::error_code ec;
    asio::steady_timer pause(accept_strand);
    while (!stopping) {
        // At the cap, new connections wait in the kernel's accept queue.
        if (live >= limits.max_connections) {
            slot_timer.expires_after(std::chrono::milliseconds(100));
            co_await slot_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        tcp::socket socket(asio::make_strand(*loops[next_loop++ % loops.size()]));
        co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
        if (stopping || !acceptor.is_open()) co_return;
        if (ec) {
            // Out of file descriptors, or a connection reset before it was taken: a moment's
            // pause, then on.
            pause.expires_after(std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        socket.non_blocking(true, ec);
        auto c = std::make_shared<Connection>(std::move(socket));
        {
            std::lock_guard<std::mutex> lock(tls_mutex);
            c->tls_context = tls_context;
        }
        if (c->tls_context) {
            c->tls = std::make_unique<TlsStream>(c->socket, *c->tls_context);
            c->tls_buffer.resize(16384);
        }
        auto endpoint = c->socket.remote_endpoint(ec);
        if (!ec) c->remote = endpoint.address().to_string();
        ++live;
        {
            std::lock_guard<std::mutex> lock(conns_mutex);
            conns.insert(c);
        }
        asio::co_spawn(c->socket.get_executor(), session(c), asio::detached);
    }
}

HttpServer::HttpServer(const ServerLimits& limits, HttpApp& app)
    : m_impl(std::make_unique<Impl>(limits, app)) {}

HttpServer::~HttpServer() = default;

int HttpServer::listen(const std::string& host, int port) {
    tcp::resolver resolver(*m_impl->loops[0]);
    auto endpoints = resolver.resolve(host, std::to_string(port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service);
    tcp::endpoint endpoint = endpoints.begin()->endpoint();
    tcp::acceptor& a = m_impl->acceptor;
    a.open(endpoint.protocol());
    // SO_REUSEADDR only: with SO_REUSEPORT a second server on the same port would start and
    // silently take half of the requests.
    a.set_option(tcp::acceptor::reuse_address(true));
    a.bind(endpoint);
    a.listen(1024);
    return a.local_endpoint().port();
}

void HttpServer::use_tls(const std::string& cert_chain_file, const std::string& key_file) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    // TLS 1.2 and 1.3 only, OpenSSL's default ciphers for them, no renegotiation, no
    // compression.
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                         asio::ssl::context::single_dh_use);
    SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
    asio::error_code ec;
    context->use_certificate_chain_file(cert_chain_file, ec);
    if (ec)
        throw std::invalid_argument("cannot use the TLS certificate " + cert_chain_file + ": " +
                                    ec.message() +
                                    " (a PEM file: the server's certificate, then its chain)");
    context->use_private_key_file(key_file, asio::ssl::context::pem, ec);
    if (ec && ec.message().find("mismatch") != std::string::npos)
        throw std::invalid_argument("the TLS private key " + key_file +
                                    " does not match the certificate " + cert_chain_file);
    if (ec)
        throw std::invalid_argument("cannot use the TLS private key " + key_file + ": " +
                                    ec.message() + " (a PEM file, not encrypted)");
    if (SSL_CTX_check_private_key(context->native_handle()) != 1)
        throw std::invalid_argument("the TLS private key " + key_file +
                                    " does not match the certificate " + cert_chain_file);
    std::lock_guard<std::mutex> lock(m_impl->tls_mutex);
    m_impl->tls_context = std::move(context);
}

bool HttpServer::tls() const {
    std::lock_guard<std::mutex> lock(m_impl->tls_mutex);
    return m_impl->tls_context != nullptr;
}

void HttpServer::run() {
    Impl& s = *m_impl;
    if (s.limits.waiting_threads > 0)
        s.waiting = std::make_unique<asio::thread_pool>(s.limits.waiting_threads);
    for (auto& loop : s.loops)
        s.keep_running.push_back(asio::make_work_guard(*loop));
    asio::co_spawn(s.accept_strand, s.accept_loop(), asio::detached);
    std::vector<std::thread> threads;
    // Thread i runs loop i % loops: each loop gets its share of the threads.
    for (std::size_t i = 1; i < std::max<std::size_t>(s.limits.threads, 1); ++i)
        threads.emplace_back([&s, i] { s.loops[i % s.loops.size()]->run(); });
    s.loops[0]->run();
    for (auto& t : threads)
        t.join();
    if (s.waiting) s.waiting->join(); // what still waits finishes; its reply goes nowhere
}

void HttpServer::stop() {
    Impl& s = *m_impl;
    asio::post(s.accept_strand, [&s] {
        if (s.stopping.exchange(true)) return;
        asio::error_code ec;
        s.acceptor.close(ec);
        s.slot_timer.cancel();
        std::lock_guard<std::mutex> lock(s.conns_mutex);
        for (const auto& c : s.conns)
            asio::post(c->socket.get_executor(), [c] {
                // A connection waiting for its next request closes now; one that has begun
                // a request finishes it (within stop_grace), then closes.
                c->closing = true;
                asio::error_code ignored;
                if (c->idle) c->socket.cancel(ignored);
            });
        if (s.live == 0) {
            s.let_loops_end();
            return;
        }
        s.grace_timer.expires_after(s.limits.stop_grace);
        s.grace_timer.async_wait([&s](asio::error_code e) {
            if (!e) s.stop_loops();
        });
    });
}

std::size_t HttpServer::connections() const {
    return m_impl->live;
}

} // namespace pjm::server
