// The server's log on stderr: one line per request (method, target without secrets, status,
// time) and a few lines about starting and stopping. Lines are written whole, one write each.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace pjm::server {

// A request target ("/path?query") fit for a log: the values of x-nonce, token and any other
// parameter whose name holds "token", "nonce", "secret" or "password" become <redacted>, and
// bytes outside printable ASCII become \xNN escapes (util/redact, util/printable).
std::string loggable_target(std::string_view target);

class RequestLog {
  public:
    explicit RequestLog(int fd = 2) : m_fd(fd) {}
    // Writes "<UTC time> <text>\n".
    void write(std::string_view text);

  private:
    int m_fd;
    std::mutex m_mutex;
};

} // namespace pjm::server
