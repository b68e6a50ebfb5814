// pjm serve's HTTP/1.1 server (docs/http.md): Asio's event loop reads every connection without
// holding a thread, under deadlines and size limits, and only a complete, checked request
// reaches the application, on one of a bounded number of threads. Knows nothing of routes.
#pragma once

#include "server/http_message.hpp"
#include "server/http_parse.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pjm::server {

struct ServerLimits {
    HeadLimits head;
    std::size_t max_body = 1024 * 1024;  // after its Content-Encoding is undone, too
    std::size_t max_connections = 10000; // beyond, new connections wait in the accept queue
    std::size_t threads = 16;            // threads that read, handle and write
    std::size_t threads_per_loop = 2;    // threads sharing one event loop and its connections
    // Threads for requests that wait on something else than the CPU (Handling::waiting): while
    // one waits, the threads above serve other connections.
    std::size_t waiting_threads = 64;
    std::size_t keep_alive_requests = 1000;
    std::chrono::milliseconds head_timeout{10'000};      // first byte to the end of the head
    std::chrono::milliseconds request_timeout{30'000};   // first byte to the end of the body
    std::chrono::milliseconds idle_timeout{5'000};       // silence while a request is read
    std::chrono::milliseconds keep_alive_timeout{5'000}; // waiting for the next request
    std::chrono::milliseconds write_timeout{10'000};     // sending one reply
    std::chrono::milliseconds stop_grace{10'000};        // requests in flight may finish within it
};

// What the server calls; from several threads at once, never twice at once for one connection.
class HttpApp {
  public:
    virtual ~HttpApp() = default;
    // Once the head is read, before any of the body: nothing to go on, or the reply that
    // refuses the request (unknown route, missing credentials). The connection closes after
    // a refusal, the body unread.
    virtual std::optional<Response> on_head(Request& req) = 0;
    // The whole request, body included.
    virtual void on_request(Request& req, Response& res) = 0;
    // How a request is handled once it is whole: on_request on the connection's thread
    // (`inline_`); on_request on one of the waiting threads, for one that mostly waits on
    // something else than the CPU (`waiting`); or started by start_request, which returns
    // at once and has the request finished later (`asynchronous`: pjm serve's messages,
    // which wait for the commit that makes them durable, holding no thread meanwhile).
    enum class Handling { inline_, waiting, asynchronous };
    virtual Handling handling(const Request& /*req*/) const { return Handling::inline_; }
    // Ends an asynchronous request: called once, from any thread, with what is left to do on
    // the connection's thread before the reply is sent (filling `res`; may be empty).
    using Finish = std::function<void(std::function<void()> then)>;
    // For Handling::asynchronous: starts the request and returns; `req` and `res` stay as
    // they are until `finish` has been called and its `then` has run. Must not throw.
    virtual void start_request(Request& req, Response& res, Finish finish) {
        on_request(req, res);
        finish({});
    }
    // A reply the server makes itself (a malformed request, a limit passed, a timeout).
    virtual Response refusal(int status, const std::string& message) = 0;
    // After each reply is sent (or could not be): for the request log. `req` holds what was
    // read of the request (its method is empty when not even the request line was).
    virtual void on_reply(const Request& req, const Response& res, double milliseconds) = 0;
};

class HttpServer {
  public:
    HttpServer(const ServerLimits& limits, HttpApp& app);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Listens on host:port (port 0: any free port); returns the port. Throws
    // std::system_error when it cannot.
    int listen(const std::string& host, int port);
    // Speaks HTTPS (TLS 1.2 and later) with this certificate chain and private key, PEM files,
    // on every connection accepted from now on; called again (SIGHUP) it replaces them for new
    // connections while open ones keep theirs. Throws std::invalid_argument, with a printable
    // message, when a file cannot be read or the key does not match the certificate: the
    // certificate in use stays.
    void use_tls(const std::string& cert_chain_file, const std::string& key_file);
    bool tls() const;
    // Serves until stop(); returns once every connection is closed.
    void run();
    // From any thread: stops accepting, closes idle connections, lets requests in flight
    // finish within stop_grace, then closes the rest.
    void stop();
    // Connections open now.
    std::size_t connections() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace pjm::server
