// The strict HTTP/1.1 request reader of pjm serve (docs/http.md), without sockets.
#include "server/http_parse.hpp"

#include <zlib.h>

#include <gtest/gtest.h>

namespace pjm::server {
namespace {

const HeadLimits k_limits;

int status_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const RequestError& e) {
        return e.status;
    }
    return 0;
}

Request parsed(const std::string& head) {
    Request req;
    std::size_t end = find_head_end(head, k_limits);
    EXPECT_EQ(end, head.size());
    parse_head(std::string_view(head).substr(0, end), k_limits, req);
    return req;
}

int head_status(const std::string& head) {
    return status_of([&] {
        Request req;
        std::size_t end = find_head_end(head, k_limits);
        if (end == std::string::npos) throw RequestError(-1, "incomplete");
        parse_head(std::string_view(head).substr(0, end), k_limits, req);
    });
}

TEST(HttpParse, ReadsRequestLineAndHeaders) {
    Request req = parsed("POST /actors/v2/a/messages?x-nonce=n HTTP/1.1\r\nHost: h\r\n"
                         "content-length:  12 \r\nX-Empty:\r\n\r\n");
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/actors/v2/a/messages?x-nonce=n");
    EXPECT_EQ(req.path, "/actors/v2/a/messages");
    EXPECT_EQ(req.minor_version, 1);
    ASSERT_EQ(req.headers.size(), 3u);
    EXPECT_EQ(req.get_header_value("Content-Length"), "12"); // any case, value trimmed
    EXPECT_TRUE(req.has_header("x-empty"));
    EXPECT_EQ(req.get_header_value("X-Empty"), "");
}

TEST(HttpParse, SkipsEmptyLinesBeforeTheRequestLine) {
    EXPECT_EQ(parsed("\r\n\r\nGET / HTTP/1.0\r\n\r\n").minor_version, 0);
}

TEST(HttpParse, WaitsForTheEndOfTheHead) {
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\nHost: x\r\n", k_limits), std::string::npos);
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\nHost: x\r\n\r", k_limits), std::string::npos);
    EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\n\r\nbody", k_limits), 18u);
}

TEST(HttpParse, AResumedScanFindsWhatOneScanFinds) {
    const std::string head = "POST /m HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n{}";
    for (std::size_t step = 1; step < 8; ++step) {
        HeadScan scan;
        std::size_t end = std::string::npos;
        for (std::size_t n = 0; end == std::string::npos && n < head.size();) {
            n = std::min(head.size(), n + step);
            end = find_head_end(std::string_view(head).substr(0, n), k_limits, scan);
        }
        EXPECT_EQ(end, head.size() - 2) << "step " << step;
    }
}

TEST(HttpParse, RefusesWhatCouldBeReadTwoWays) {
    EXPECT_EQ(head_status("GET / HTTP/1.1\nHost: x\n\n"), 400);       // bare LF
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nA: x\ry\r\n\r\n"), 400); // bare CR
    EXPECT_EQ(head_status(std::string("GET / HTTP/1.1\r\nA: x\0y\r\n\r\n", 27)), 400);
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nA: 1\r\n  folded\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET  / HTTP/1.1\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET http://x/ HTTP/1.1\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET /\x7f HTTP/1.1\r\n\r\n"), 400);
    EXPECT_EQ(head_status("GET / HTTP/1.1\r\nA: \x01\r\n\r\n"), 400);
    EXPECT_EQ(head_status("BREW / HTTP/1.1\r\n\r\n"), 501);
    EXPECT_EQ(head_status("GET / HTTP/2.0\r\n\r\n"), 505);
    EXPECT_EQ(head_status("GET / HTTQ/1.1\r\n\r\n"), 400);
}

TEST(HttpParse, RefusesHeadsOverTheirLimitsAsSoonAsTheyAre) {
    std::string long_target = "GET /" + std::string(9000, 'a');
    EXPECT_EQ(head_status(long_target), 414); // before its line ends
    std::string long_field = "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a');
    EXPECT_EQ(head_status(long_field), 431);
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i)
        many += "X-" + std::to_string(i) + ": 1\r\n";
    EXPECT_EQ(head_status(many), 431);
    std::string big = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 9; ++i)
        big += "X-" + std::to_string(i) + ": " + std::string(4000, 'p') + "\r\n";
    EXPECT_EQ(head_status(big), 431);
}

Request with_headers(std::vector<Header> headers) {
    Request req;
    req.headers = std::move(headers);
    return req;
}

TEST(HttpParse, Framing) {
    EXPECT_EQ(body_framing(with_headers({})).kind, Framing::none);
    Framing f = body_framing(with_headers({{"Content-Length", "42"}}));
    EXPECT_EQ(f.kind, Framing::length);
    EXPECT_EQ(f.bytes, 42u);
    EXPECT_EQ(body_framing(with_headers({{"Content-Length", "0"}})).kind, Framing::none);
    EXPECT_EQ(body_framing(with_headers({{"Transfer-Encoding", " Chunked "}})).kind,
              Framing::chunked);
    auto status = [](std::vector<Header> h) {
        return status_of([&] { body_framing(with_headers(std::move(h))); });
    };
    EXPECT_EQ(status({{"Content-Length", "-1"}}), 400);
    EXPECT_EQ(status({{"Content-Length", "1x"}}), 400);
    EXPECT_EQ(status({{"Content-Length", "99999999999999999999999"}}), 400);
    EXPECT_EQ(status({{"Content-Length", "2"}, {"Content-Length", "3"}}), 400);
    EXPECT_EQ(status({{"Content-Length", "2"}, {"Content-Length", "2"}}), 0);
    EXPECT_EQ(status({{"Content-Length", "2"}, {"Transfer-Encoding", "chunked"}}), 400);
    EXPECT_EQ(status({{"Transfer-Encoding", "gzip, chunked"}}), 501);
    EXPECT_EQ(status_of([] {
                  check_content_encoding(with_headers({{"Content-Encoding", "x"}}));
              }),
              415);
}

std::string dechunk(const std::string& wire, std::size_t max, std::size_t step,
                    bool* done = nullptr) {
    ChunkedDecoder d(max);
    std::string out, pending;
    for (std::size_t i = 0; i < wire.size() && !d.done(); i += step) {
        pending += wire.substr(i, step);
        pending.erase(0, d.feed(pending, out));
    }
    if (done) *done = d.done();
    return out;
}

TEST(HttpParse, ChunkedBodiesAnySplit) {
    const std::string wire = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for (std::size_t step = 1; step <= wire.size(); ++step) {
        bool done = false;
        EXPECT_EQ(dechunk(wire, 100, step, &done), "hello, world") << "step " << step;
        EXPECT_TRUE(done);
    }
    ChunkedDecoder d(100);
    std::string out;
    EXPECT_EQ(d.feed(wire, out), wire.size() - 4); // the next request is left alone
}

TEST(HttpParse, ChunkedBodiesRefused) {
    auto status = [](const std::string& wire, std::size_t max = 100) {
        return status_of([&] { dechunk(wire, max, wire.size()); });
    };
    EXPECT_EQ(status("zz\r\nhi\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status("2\r\nhello\r\n0\r\n\r\n"), 400); // longer than its size
    EXPECT_EQ(status("2\nhi\r\n0\r\n\r\n"), 400);      // bare LF
    EXPECT_EQ(status("1234567890abcdef\r\n"), 400);    // 16 hex digits
    EXPECT_EQ(status("65\r\n"), 413);                  // 101 bytes announced
    EXPECT_EQ(status("40\r\n" + std::string(64, 'a') + "\r\n40\r\n", 100), 413);
    EXPECT_EQ(status("0\r\n" + std::string(40000, 'x')), 400); // endless trailer
}

std::string gzip(const std::string& in, int window_bits) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, in.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

TEST(HttpParse, ContentEncodings) {
    const std::string text = "{\"uuid\": \"x\"}";
    EXPECT_EQ(decode_content(with_headers({{"Content-Encoding", "gzip"}}), gzip(text, 31), 100),
              text);
    EXPECT_EQ(decode_content(with_headers({{"Content-Encoding", "deflate"}}), gzip(text, 15), 100),
              text);
    EXPECT_EQ(decode_content(with_headers({{"Content-Encoding", "deflate"}}), gzip(text, -15), 100),
              text);
    EXPECT_EQ(decode_content(with_headers({}), text, 100), text);
    // A small body that inflates past the limit is stopped at the limit.
    std::string bomb = gzip(std::string(10 * 1024 * 1024, '0'), 31);
    EXPECT_LT(bomb.size(), 20000u);
    EXPECT_EQ(status_of([&] {
                  decode_content(with_headers({{"Content-Encoding", "gzip"}}), bomb, 1024 * 1024);
              }),
              413);
    EXPECT_EQ(status_of([&] {
                  decode_content(with_headers({{"Content-Encoding", "gzip"}}), text, 100);
              }),
              400);
    EXPECT_EQ(status_of([&] {
                  decode_content(with_headers({{"Content-Encoding", "br"}}), text, 100);
              }),
              400);
}

} // namespace
} // namespace pjm::server
