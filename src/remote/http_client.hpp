// HTTP requests through the transport module (pjm-remote-curl.so), loaded on first use so
// that commands which never touch the network never load libcurl.
#pragma once

#include "remote/budget.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pjm::remote {

struct HttpOptions {
    long connect_timeout_ms = 10'000;
    long total_timeout_ms = 30'000;
    std::string cacert; // empty: the system's CA bundle
    bool insecure = false;
    std::function<void(const std::string&)> trace; // -v; lines arrive with secrets redacted
    // The command's time for the manager: each request's timeouts are cut to what is left,
    // and once it is spent a request is not tried (a timeout, which queues the message).
    std::shared_ptr<const Budget> budget;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    long status = 0; // 0: no response
    std::string body;
    Headers headers; // as received, names as sent
    std::optional<std::string> retry_after;
    // The value of a header (the first, names compared without case); nothing when absent.
    std::optional<std::string> header(std::string_view name) const;
    int transport_error = 0; // pjm_transport_error; 0 when a response arrived
    std::string error_message;
};

class HttpClient {
  public:
    explicit HttpClient(HttpOptions options) : m_options(std::move(options)) {}
    // Throws std::runtime_error when the transport module cannot be loaded.
    HttpResponse get(const std::string& url, const Headers& headers) const;
    HttpResponse post(const std::string& url, const Headers& headers,
                      const std::string& body) const;

  private:
    HttpResponse perform(const char* method, const std::string& url, const Headers& headers,
                         const std::string* body) const;
    HttpOptions m_options;
};

} // namespace pjm::remote
