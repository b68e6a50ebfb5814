// libFuzzer target: pjm serve's HTTP request reader (server/http_parse: the head, the body's
// framing, chunked bodies, Content-Encoding), fed the bytes a client could send.
//
// Input: one byte choosing how the bytes arrive (1 to 64 at a time), then the request bytes.
// Invariants: nothing but RequestError is ever thrown, and only with a status of 400, 413,
// 414, 415, 417, 431, 501 or 505; a scan resumed over pieces ends where one scan of the whole
// ends; a parsed head has a known method, a target beginning with '/' and no header name or
// value holding CR, LF or NUL; a chunked body never grows past its limit, and the decoder takes
// no byte past the body's end; a decoded body is never over its limit.
#include "server/http_parse.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace pjm::server;

constexpr std::size_t k_max_body = 4096;

[[noreturn]] void bug(const char* what) {
    std::fprintf(stderr, "fuzz_http: invariant broken: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

void check_status(int status) {
    switch (status) {
    case 400:
    case 413:
    case 414:
    case 415:
    case 417:
    case 431:
    case 501:
    case 505:
        return;
    default:
        bug("RequestError with an unexpected status");
    }
}

bool has_line_break(const std::string& s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

void read_request(std::string_view bytes, std::size_t step, const HeadLimits& limits) {
    // The head, as it would arrive.
    HeadScan scan;
    std::size_t end = std::string::npos;
    std::size_t have = 0;
    while (end == std::string::npos && have < bytes.size()) {
        have = std::min(bytes.size(), have + step);
        end = find_head_end(bytes.substr(0, have), limits, scan);
    }
    std::size_t whole = find_head_end(bytes.substr(0, have), limits);
    if (whole != end) bug("a resumed scan and one scan disagree");
    if (end == std::string::npos) return;

    Request req;
    parse_head(bytes.substr(0, end), limits, req);
    if (req.method.empty() || req.target.empty() || req.target[0] != '/') bug("a bad request line");
    for (const Header& h : req.headers)
        if (h.name.empty() || has_line_break(h.name) || has_line_break(h.value))
            bug("a header holds a line break");

    Framing f = body_framing(req);
    check_content_encoding(req);
    std::string_view rest = bytes.substr(end);
    std::string body;
    if (f.kind == Framing::length) {
        body = std::string(rest.substr(
            0, static_cast<std::size_t>(std::min<std::uint64_t>(f.bytes, rest.size()))));
    } else if (f.kind == Framing::chunked) {
        ChunkedDecoder d(k_max_body);
        std::string pending;
        std::size_t taken = 0;
        for (std::size_t i = 0; i < rest.size() && !d.done(); i += step) {
            std::string_view piece = rest.substr(i, step);
            pending.append(piece);
            std::size_t n = d.feed(pending, body);
            if (n > pending.size()) bug("the decoder took more than it was given");
            taken += n;
            pending.erase(0, n);
            if (body.size() > k_max_body) bug("a chunked body past its limit");
        }
        if (taken > rest.size()) bug("the decoder took bytes past the body");
    }
    std::string decoded = decode_content(req, std::move(body), k_max_body);
    if (decoded.size() > k_max_body) bug("a decoded body past its limit");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t step = 1 + data[0] % 64;
    std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    HeadLimits limits;
    limits.request_line = 256; // small limits, so the fuzzer reaches them
    limits.field_line = 256;
    limits.head = 1024;
    limits.fields = 16;
    try {
        read_request(bytes, step, limits);
    } catch (const RequestError& e) {
        check_status(e.status);
    }
    return 0;
}
