// Reading HTTP/1.1 requests from bytes (docs/http.md): the head (request line and header
// fields), the body's framing (Content-Length or chunked) and its Content-Encoding. Strict:
// anything a proxy in front of pjm serve could read another way is refused, never guessed at.
// No sockets here: http_server.cpp feeds the bytes, the unit tests and a fuzz target too.
#pragma once

#include "server/http_message.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pjm::server {

// A request refused for its framing or encoding, with the HTTP status to answer. The
// connection closes after the refusal: what follows on it cannot be trusted.
struct RequestError : std::invalid_argument {
    RequestError(int status, const std::string& message)
        : std::invalid_argument(message), status(status) {}
    int status;
};

struct HeadLimits {
    std::size_t request_line = 8 * 1024; // 414 beyond
    std::size_t field_line = 8 * 1024;   // one header line; 431 beyond
    std::size_t head = 32 * 1024;        // request line and every header line; 431 beyond
    std::size_t fields = 100;            // header lines; 431 beyond
};

// Where the head that `buffer` begins with ends (just past its empty line), or npos while
// more bytes are needed. Throws RequestError as soon as the bytes already there can begin no
// acceptable head: a line ended by a bare LF, a NUL or bare CR, a line or head over its limit.
std::size_t find_head_end(std::string_view buffer, const HeadLimits& limits);

// Where find_head_end stopped, so bytes that arrive one at a time are each looked at once.
struct HeadScan {
    std::size_t pos = 0;        // the next byte to look at
    std::size_t line_start = 0; // where the line being read begins
    std::size_t fields = 0;     // header lines read
    bool first = true;          // no request line read yet
};
// The same, resumed where `scan` stopped on an earlier, shorter `buffer`.
std::size_t find_head_end(std::string_view buffer, const HeadLimits& limits, HeadScan& scan);

// Parses a head (as find_head_end delimits it, empty line included) into `req`'s method,
// target, path, minor_version and headers. Throws RequestError.
void parse_head(std::string_view head, const HeadLimits& limits, Request& req);

// How the body that follows a head is delimited.
struct Framing {
    enum Kind { none, length, chunked } kind = none;
    std::uint64_t bytes = 0; // for `length`: the Content-Length
};

// Throws RequestError for framing that could be read two ways (a malformed Content-Length, two
// that differ, Content-Length with Transfer-Encoding: 400) or that pjm cannot read (a transfer
// coding other than chunked: 501).
Framing body_framing(const Request& req);

// Throws RequestError (415) for a Content-Encoding pjm cannot undo: only gzip, deflate, br and
// identity are read; any other would be taken as the bytes of the message.
void check_content_encoding(const Request& req);

// Undoes the request's Content-Encoding on `body`, never holding more than `max` bytes:
// RequestError 413 beyond it, 400 for bytes that are not in that encoding.
std::string decode_content(const Request& req, std::string body, std::size_t max);

// The refusal of a body over the limit (413).
std::string body_too_large(std::size_t max);

// Reads a chunked body as it arrives: the chunks' data, then the trailer (read and dropped).
class ChunkedDecoder {
  public:
    explicit ChunkedDecoder(std::size_t max_body) : m_max(max_body) {}
    // Takes what it can of `in`, appending the data to `out`; returns how many bytes it took.
    // Throws RequestError: 400 for malformed framing, 413 once the data pass max_body.
    std::size_t feed(std::string_view in, std::string& out);
    bool done() const { return m_state == State::done; }

  private:
    enum class State { size, data, data_end, trailer, done };
    std::size_t m_max;
    State m_state = State::size;
    std::string m_line;        // the size line or trailer line read so far
    std::uint64_t m_left = 0;  // data bytes left in this chunk
    std::size_t m_trailer = 0; // trailer bytes read
};

} // namespace pjm::server
