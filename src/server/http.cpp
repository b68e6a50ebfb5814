#include "server/http.hpp"

#include "server/envelope.hpp"

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

std::optional<std::uint64_t> announced_length(const httplib::Request& req) {
    if (req.has_header("Content-Length")) {
        std::string text = req.get_header_value("Content-Length");
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size())
            throw std::invalid_argument("malformed Content-Length");
        return n;
    }
    if (req.has_header("Transfer-Encoding")) return std::nullopt;
    return 0;
}

std::string body_too_large(std::size_t max) {
    return "the message body is over the limit of " + std::to_string(max) +
           " bytes (pjm serve --max-body)";
}

BodyRead read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                   std::size_t max, std::string& body) {
    auto length = announced_length(req);
    if (length && *length > max) return BodyRead::too_large;
    if (length && *length == 0) return BodyRead::ok; // no body: nothing to wait for
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
    try {
        if (announced_length(req) == std::optional<std::uint64_t>(0)) return;
    } catch (const std::invalid_argument&) {
        return;
    }
    reader([](const char*, std::size_t) { return true; });
}

} // namespace pjm::server
