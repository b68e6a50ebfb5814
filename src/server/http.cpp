#include "server/http.hpp"

#include "server/envelope.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace pjm::server {

RequestNote& request_note() {
    thread_local RequestNote note;
    return note;
}

void reply(const ServerContext& ctx, httplib::Response& res, int status, std::string_view message,
           nlohmann::json result) {
    res.status = status;
    res.set_content(envelope_text(status < 400, message, std::move(result), ctx.config.version),
                    "application/json");
}

Links links_for(const ServerContext& ctx, const httplib::Request& req) {
    std::string host = req.get_header_value("Host");
    if (host.empty() || host.find_first_of(" /\\\"<>") != std::string::npos)
        host = ctx.config.listen.host + ":" + std::to_string(ctx.config.listen.port);
    std::string scheme = req.get_header_value("X-Forwarded-Proto") == "https" ? "https" : "http";
    return {scheme + "://" + host, ctx.config.actor_id};
}

std::optional<core::QueryParams> query_of(const httplib::Request& req) {
    auto q = req.target.find('?');
    if (q == std::string::npos) return core::QueryParams{};
    return core::QueryParams::parse(std::string_view(req.target).substr(q + 1));
}

std::optional<std::string> actor_of(std::string_view path) {
    constexpr std::string_view prefix = "/actors/v2/";
    if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
    path.remove_prefix(prefix.size());
    return std::string(path.substr(0, path.find('/')));
}

bool admit(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    std::optional<std::string> authorization;
    if (req.has_header("Authorization")) authorization = req.get_header_value("Authorization");
    auto query = query_of(req);
    std::optional<std::string> nonce = query ? query->get("x-nonce") : std::nullopt;
    // Credentials given twice could be read two ways (a proxy may check the other one).
    std::string twice;
    if (req.get_header_value_count("Authorization") > 1)
        twice = "the Authorization header is given more than once";
    else if (query && query->count("x-nonce") > 1)
        twice = "the x-nonce URL parameter is given more than once";
    if (!twice.empty() && !ctx.config.no_auth) {
        reply(ctx, res, 401, "not authorized: " + twice + "; give one credential");
        return false;
    }
    AuthResult auth = ctx.auth.check(authorization, nonce);
    if (!auth.ok()) {
        reply(ctx, res, 401, auth.message);
        return false;
    }
    std::string asked = actor_of(req.path).value_or("");
    if (asked != ctx.config.actor_id) {
        reply(ctx, res, 404,
              "no actor '" + std::string(valid_actor_id(asked) ? asked : "?") +
                  "' here: this manager serves actor '" + ctx.config.actor_id + "'");
        return false;
    }
    return true;
}

namespace {

std::string lower_trimmed(std::string text) {
    auto first = text.find_first_not_of(" \t");
    auto last = text.find_last_not_of(" \t");
    text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A header value fit to quote in a reply: printable, and short.
std::string shown_value(const std::string& value) {
    std::string out;
    for (char c : value.substr(0, 40))
        out +=
            static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? c : '?';
    return "'" + out + (value.size() > 40 ? "…'" : "'");
}

} // namespace

std::optional<std::uint64_t> announced_length(const httplib::Request& req) {
    bool chunked = false;
    if (req.has_header("Transfer-Encoding")) {
        if (req.get_header_value_count("Transfer-Encoding") > 1 ||
            lower_trimmed(req.get_header_value("Transfer-Encoding")) != "chunked")
            throw RequestError(501, "Transfer-Encoding " +
                                        shown_value(req.get_header_value("Transfer-Encoding")) +
                                        " is not supported: send the body with a Content-Length, "
                                        "or chunked");
        chunked = true;
    }
    if (req.has_header("Content-Length")) {
        // Framing read two ways is how requests are smuggled past a proxy: refused.
        if (chunked)
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
        return n;
    }
    if (chunked) return std::nullopt;
    return 0;
}

void check_content_encoding(const httplib::Request& req) {
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

// cpp-httplib parses a multipart/form-data body itself, calling part handlers pjm does not
// give (std::bad_function_call: a 500). pjm reads every body as bytes, whatever its
// Content-Type says, so that type is set aside before the body is read.
void read_as_bytes(const httplib::Request& req) {
    if (!req.is_multipart_form_data()) return;
    auto& headers = const_cast<httplib::Request&>(req).headers;
    auto [first, last] = headers.equal_range("Content-Type");
    for (auto it = first; it != last; ++it)
        it->second = "application/octet-stream";
}

} // namespace

BodyRead read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                   std::size_t max, std::string& body) {
    auto length = announced_length(req);
    if (length && *length > max) return BodyRead::too_large_unread;
    check_content_encoding(req);
    if (length && *length == 0) return BodyRead::ok; // no body: nothing to wait for
    read_as_bytes(req);
    bool over = false;
    bool read = reader([&](const char* data, std::size_t size) {
        // Past the limit, the rest is read and dropped: the connection stays in step and
        // nothing more is held.
        if (!over && size > max - body.size()) {
            over = true;
            body.clear();
            body.shrink_to_fit();
        }
        if (!over) body.append(data, size);
        return true;
    });
    if (over) return BodyRead::too_large;
    return read ? BodyRead::ok : BodyRead::unreadable;
}

void drop_body(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader) {
    // The client may stop sending once it reads the reply; what it still sends is read and
    // dropped (a Content-Length over the limit is skipped by cpp-httplib without holding it).
    res.set_header("Connection", "close");
    // Reading past a body costs time only when it is really sent; one announced beyond any
    // honest message (100 GB and nothing after it) is not waited for.
    constexpr std::uint64_t k_read_past_at_most = 64ull * 1024 * 1024;
    try {
        auto length = announced_length(req);
        if (length == std::optional<std::uint64_t>(0)) return;
        if (length && *length > k_read_past_at_most) return;
    } catch (const std::invalid_argument&) {
        return; // framing that cannot be trusted: nothing is read, the connection closes
    }
    read_as_bytes(req);
    reader([](const char*, std::size_t) { return true; });
}

} // namespace pjm::server
