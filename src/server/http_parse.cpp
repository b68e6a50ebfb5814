#include "server/http_parse.hpp"

#include <array>
#include <brotli/decode.h>
#include <cctype>
#include <charconv>
#include <zlib.h>

namespace pjm::server {

namespace {

const std::string k_malformed = "malformed HTTP request: ";

bool is_tchar(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

std::string lower_trimmed(std::string_view text) {
    auto first = text.find_first_not_of(" \t");
    auto last = text.find_last_not_of(" \t");
    std::string out(first == std::string_view::npos ? std::string_view()
                                                    : text.substr(first, last - first + 1));
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A header value fit to quote in a reply: printable, and short.
std::string shown_value(std::string_view value) {
    std::string out;
    for (char c : value.substr(0, 40))
        out +=
            static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? c : '?';
    return "'" + out + (value.size() > 40 ? "…'" : "'");
}

// Checks one line of a head (without its CRLF) as it grows; `first`: the request line.
void check_length(std::size_t length, bool first, const HeadLimits& limits) {
    if (first && length > limits.request_line)
        throw RequestError(414, "the request line is too long (8 KiB at most): send the "
                                "message's fields in the JSON body rather than the URL");
    if (!first && length > limits.field_line)
        throw RequestError(431, "a header line is over the limit of " +
                                    std::to_string(limits.field_line) + " bytes");
}

} // namespace

std::size_t find_head_end(std::string_view buffer, const HeadLimits& limits, HeadScan& scan) {
    for (std::size_t& i = scan.pos; i < buffer.size(); ++i) {
        char c = buffer[i];
        if (i + 1 > limits.head)
            throw RequestError(431, "the request's header is over the limit of " +
                                        std::to_string(limits.head) + " bytes");
        if (c == '\0') throw RequestError(400, k_malformed + "a NUL byte in its header");
        if (c == '\r') {
            if (i + 1 == buffer.size()) break; // its LF may follow
            if (buffer[i + 1] != '\n')
                throw RequestError(400, k_malformed + "a bare CR in its header (lines end with "
                                                      "CRLF)");
            continue;
        }
        if (c != '\n') {
            check_length(i + 1 - scan.line_start, scan.first, limits);
            continue;
        }
        if (i == 0 || buffer[i - 1] != '\r')
            throw RequestError(400, k_malformed + "a line ended by a bare LF (lines end with "
                                                  "CRLF)");
        std::size_t length = i - 1 - scan.line_start;
        scan.line_start = i + 1;
        if (length == 0) {
            if (!scan.first) return ++i; // the empty line that ends the head
            continue;
        }
        if (!scan.first && ++scan.fields > limits.fields)
            throw RequestError(431, "the request has more than " + std::to_string(limits.fields) +
                                        " header lines");
        scan.first = false;
    }
    return std::string_view::npos;
}

std::size_t find_head_end(std::string_view buffer, const HeadLimits& limits) {
    HeadScan scan;
    return find_head_end(buffer, limits, scan);
}

void parse_head(std::string_view head, const HeadLimits& limits, Request& req) {
    (void)limits; // find_head_end checked every length and count
    std::size_t pos = 0;
    auto next_line = [&]() {
        std::size_t end = head.find("\r\n", pos);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(pos, end - pos);
        pos = end + 2;
        return line;
    };
    std::string_view line;
    do {
        if (pos >= head.size()) throw RequestError(400, k_malformed + "no request line");
        line = next_line();
    } while (line.empty());

    // method SP request-target SP HTTP-version, one space apart.
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        throw RequestError(400, k_malformed + "its request line is not 'METHOD /path HTTP/1.1'");
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(method)) throw RequestError(400, k_malformed + "its method is no token");
    static constexpr std::array<std::string_view, 9> known = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};
    bool is_known = false;
    for (auto m : known)
        is_known = is_known || m == method;
    if (!is_known)
        throw RequestError(501, "the method " + shown_value(method) +
                                    " is not supported: "
                                    "pjm serve answers GET, HEAD and POST");
    if (target.empty() || target[0] != '/')
        throw RequestError(400, k_malformed + "its target must be a path beginning with '/'");
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            throw RequestError(400, k_malformed + "its target holds a byte that is not "
                                                  "printable ASCII (%-encode it)");
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[5])) ||
        !std::isdigit(static_cast<unsigned char>(version[7])))
        throw RequestError(400, k_malformed + "its HTTP version could not be read");
    if (version[5] != '1')
        throw RequestError(505, "HTTP version " + std::string(version.substr(5)) +
                                    " is not supported: pjm serve speaks HTTP/1.1");
    req.method = std::string(method);
    req.target = std::string(target);
    req.path = std::string(target.substr(0, target.find('?')));
    req.minor_version = version[7] - '0';

    req.headers.clear();
    while (pos < head.size()) {
        line = next_line();
        if (line.empty()) break;
        if (line[0] == ' ' || line[0] == '\t')
            throw RequestError(400, k_malformed + "a header line continues the one before it "
                                                  "(obsolete line folding)");
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            throw RequestError(400, k_malformed + "a header line has no colon");
        std::string_view name = line.substr(0, colon);
        if (!is_token(name))
            throw RequestError(400, k_malformed + "the header name " + shown_value(name) +
                                        " is no token (no space before the colon)");
        std::string_view value = line.substr(colon + 1);
        auto first = value.find_first_not_of(" \t");
        auto last = value.find_last_not_of(" \t");
        value = first == std::string_view::npos ? std::string_view()
                                                : value.substr(first, last - first + 1);
        for (char c : value) {
            unsigned char u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7f)
                throw RequestError(400, k_malformed + "the header " + shown_value(name) +
                                            " holds a control character");
        }
        req.headers.push_back({std::string(name), std::string(value)});
    }
    if (req.get_header_value_count("Host") > 1)
        throw RequestError(400, k_malformed + "Host is given more than once");
}

Framing body_framing(const Request& req) {
    Framing f;
    if (req.has_header("Transfer-Encoding")) {
        if (req.get_header_value_count("Transfer-Encoding") > 1 ||
            lower_trimmed(req.get_header_value("Transfer-Encoding")) != "chunked")
            throw RequestError(501, "Transfer-Encoding " +
                                        shown_value(req.get_header_value("Transfer-Encoding")) +
                                        " is not supported: send the body with a Content-Length, "
                                        "or chunked");
        f.kind = Framing::chunked;
    }
    if (req.has_header("Content-Length")) {
        // Framing read two ways is how requests are smuggled past a proxy: refused.
        if (f.kind == Framing::chunked)
            throw RequestError(400, "both Content-Length and Transfer-Encoding: chunked; send "
                                    "one of them");
        std::string text = req.get_header_value("Content-Length");
        for (std::size_t i = 1; i < req.get_header_value_count("Content-Length"); ++i)
            if (req.get_header_value("Content-Length", i) != text)
                throw RequestError(400, "Content-Length is given twice with different values");
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size())
            throw RequestError(400, "malformed Content-Length " + shown_value(text) +
                                        ": a number of bytes is expected");
        f.kind = n == 0 ? Framing::none : Framing::length;
        f.bytes = n;
    }
    return f;
}

void check_content_encoding(const Request& req) {
    if (!req.has_header("Content-Encoding")) return;
    std::string coding = lower_trimmed(req.get_header_value("Content-Encoding"));
    if (req.get_header_value_count("Content-Encoding") == 1 &&
        (coding == "identity" || coding == "gzip" || coding == "deflate" || coding == "br"))
        return;
    throw RequestError(415, "Content-Encoding " +
                                shown_value(req.get_header_value("Content-Encoding")) +
                                " is not supported: send the body as it is, or compressed "
                                "once with gzip, deflate or br");
}

std::string body_too_large(std::size_t max) {
    return "the message body is over the limit of " + std::to_string(max) +
           " bytes (pjm serve --max-body)";
}

namespace {

RequestError unreadable(const std::string& coding) {
    return RequestError(400, "the request body could not be read: it is not valid " + coding +
                                 " (Content-Encoding)");
}

// gzip, or zlib-wrapped deflate; `window_bits` as zlib's inflateInit2 takes it.
std::string inflate_body(std::string_view in, int window_bits, std::size_t max,
                         const std::string& coding) {
    z_stream z{};
    if (inflateInit2(&z, window_bits) != Z_OK) throw unreadable(coding);
    std::string out;
    std::array<char, 16384> chunk{};
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        std::size_t got = chunk.size() - z.avail_out;
        if ((rc != Z_OK && rc != Z_STREAM_END) || (rc == Z_OK && got == 0 && z.avail_in == 0)) {
            inflateEnd(&z);
            throw unreadable(coding);
        }
        if (got > max - out.size()) {
            inflateEnd(&z);
            throw RequestError(413, body_too_large(max));
        }
        out.append(chunk.data(), got);
    }
    bool trailing = z.avail_in != 0;
    inflateEnd(&z);
    if (trailing) throw unreadable(coding);
    return out;
}

std::string unbrotli(std::string_view in, std::size_t max) {
    BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    if (!s) throw unreadable("br");
    std::string out;
    std::array<std::uint8_t, 16384> chunk{};
    std::size_t avail_in = in.size();
    const auto* next_in = reinterpret_cast<const std::uint8_t*>(in.data());
    BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
    while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        std::size_t avail_out = chunk.size();
        std::uint8_t* next_out = chunk.data();
        rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
        std::size_t got = chunk.size() - avail_out;
        if (got > max - out.size()) {
            BrotliDecoderDestroyInstance(s);
            throw RequestError(413, body_too_large(max));
        }
        out.append(reinterpret_cast<const char*>(chunk.data()), got);
    }
    BrotliDecoderDestroyInstance(s);
    if (rc != BROTLI_DECODER_RESULT_SUCCESS || avail_in != 0) throw unreadable("br");
    return out;
}

} // namespace

std::string decode_content(const Request& req, std::string body, std::size_t max) {
    if (!req.has_header("Content-Encoding")) return body;
    std::string coding = lower_trimmed(req.get_header_value("Content-Encoding"));
    if (coding == "identity") return body;
    if (body.empty()) return body;
    if (coding == "gzip") return inflate_body(body, 16 + MAX_WBITS, max, coding);
    if (coding == "deflate") {
        // The zlib format, as HTTP defines deflate; some senders give the raw stream.
        try {
            return inflate_body(body, MAX_WBITS, max, coding);
        } catch (const RequestError& e) {
            if (e.status == 413) throw;
            return inflate_body(body, -MAX_WBITS, max, coding);
        }
    }
    if (coding == "br") return unbrotli(body, max);
    check_content_encoding(req);
    return body;
}

namespace {

constexpr std::size_t k_chunk_line_max = 1024;   // a size line with its extensions
constexpr std::size_t k_trailer_max = 32 * 1024; // every trailer line together

RequestError bad_chunk(const std::string& why) {
    return RequestError(400, "the request body could not be read: " + why +
                                 " (chunked transfer coding)");
}

// Takes bytes of `in` into `line` up to and including a CRLF; true when the line is whole
// (its CRLF removed). A bare LF or CR is refused.
bool take_line(std::string_view in, std::size_t& i, std::string& line, std::size_t max) {
    while (i < in.size()) {
        char c = in[i++];
        if (c == '\n') {
            if (line.empty() || line.back() != '\r') throw bad_chunk("a line ended by a bare LF");
            line.pop_back();
            return true;
        }
        if (!line.empty() && line.back() == '\r') throw bad_chunk("a bare CR");
        line += c;
        if (line.size() > max) throw bad_chunk("a chunk line too long");
    }
    return false;
}

} // namespace

std::size_t ChunkedDecoder::feed(std::string_view in, std::string& out) {
    std::size_t i = 0;
    while (i < in.size() && m_state != State::done) {
        switch (m_state) {
        case State::size: {
            if (!take_line(in, i, m_line, k_chunk_line_max)) break;
            std::string_view line = m_line;
            std::size_t digits = 0;
            while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits])))
                ++digits;
            std::uint64_t size = 0;
            if (digits == 0 || digits > 15) throw bad_chunk("a malformed chunk size");
            std::from_chars(line.data(), line.data() + digits, size, 16);
            std::string_view rest = line.substr(digits);
            auto ext = rest.find_first_not_of(" \t");
            if (ext != std::string_view::npos && rest[ext] != ';')
                throw bad_chunk("a malformed chunk size");
            m_line.clear();
            if (size == 0) {
                m_state = State::trailer;
                break;
            }
            if (size > m_max - out.size()) throw RequestError(413, body_too_large(m_max));
            m_left = size;
            m_state = State::data;
            break;
        }
        case State::data: {
            std::size_t n = static_cast<std::size_t>(
                std::min<std::uint64_t>(m_left, static_cast<std::uint64_t>(in.size() - i)));
            out.append(in.data() + i, n);
            i += n;
            m_left -= n;
            if (m_left == 0) m_state = State::data_end;
            break;
        }
        case State::data_end:
            if (!take_line(in, i, m_line, 2)) break;
            if (!m_line.empty()) throw bad_chunk("a chunk longer than its size");
            m_state = State::size;
            break;
        case State::trailer: {
            std::size_t before = i;
            bool whole = take_line(in, i, m_line, k_chunk_line_max * 8);
            m_trailer += i - before;
            if (m_trailer > k_trailer_max) throw bad_chunk("a trailer too long");
            if (!whole) break;
            if (m_line.empty()) m_state = State::done;
            m_line.clear();
            break;
        }
        case State::done:
            break;
        }
    }
    return i;
}

} // namespace pjm::server
