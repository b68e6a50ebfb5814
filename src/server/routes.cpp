// Routes a request by the table of routes.hpp, and refuses what no row takes.
#include "server/routes.hpp"

#include "server/envelope.hpp"

#include <array>
#include <regex>
#include <set>

namespace pjm::server {

namespace {

std::string_view method_name(Method m) {
    switch (m) {
    case Method::get:
        return "GET";
    case Method::post:
        return "POST";
    case Method::put:
        return "PUT";
    case Method::patch:
        return "PATCH";
    case Method::delete_:
        return "DELETE";
    }
    return "";
}

const std::array<std::regex, std::size(k_routes)>& patterns() {
    static const auto compiled = [] {
        std::array<std::regex, std::size(k_routes)> out;
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = std::regex(k_routes[i].pattern);
        return out;
    }();
    return compiled;
}

// A path segment with its %-escapes decoded; nothing when one is malformed or it decodes to
// hold '/' (a segment must not become two).
std::optional<std::string> decoded_segment(const std::string& s) {
    auto out = core::percent_decode(s, false);
    if (!out || out->find('/') != std::string::npos) return std::nullopt;
    return out;
}

// The row taking `method` on `path`, its groups decoded into `matches`; -1 when none does.
int find_route(std::string_view method, const std::string& path,
               std::vector<std::string>& matches) {
    if (method == "HEAD") method = "GET";
    for (std::size_t i = 0; i < std::size(k_routes); ++i) {
        if (method_name(k_routes[i].method) != method) continue;
        std::smatch m;
        if (!std::regex_match(path, m, patterns()[i])) continue;
        std::vector<std::string> groups{m[0].str()};
        bool ok = true;
        for (std::size_t g = 1; g < m.size() && ok; ++g) {
            auto d = decoded_segment(m[g].str());
            ok = d.has_value();
            if (ok) groups.push_back(std::move(*d));
        }
        if (!ok) return -1;
        matches = std::move(groups);
        return static_cast<int>(i);
    }
    return -1;
}

bool is_tapis(const std::string& path) {
    auto p = actors_path(path);
    return p && p->tree == k_v3_tree;
}

} // namespace

std::string allowed_methods(const std::string& path) {
    std::set<std::string_view> methods; // in alphabetical order, as they are listed
    std::vector<std::string> ignored;
    for (std::size_t i = 0; i < std::size(k_routes); ++i) {
        std::string_view m = method_name(k_routes[i].method);
        if (methods.count(m) || find_route(m, path, ignored) < 0) continue;
        methods.insert(m);
        if (k_routes[i].method == Method::get) methods.insert("HEAD");
    }
    std::string out;
    for (auto m : methods)
        out += (out.empty() ? "" : ", ") + std::string(m);
    return out;
}

std::optional<Response> route_head(ServerContext& ctx, Request& req) {
    Response res;
    res.tapis = is_tapis(req.path);
    req.route = find_route(req.method, req.path, req.matches);
    if (req.route < 0) {
        std::string allowed = allowed_methods(req.path);
        if (allowed.empty()) {
            reply(ctx, res, 404, "no route " + req.method + " " + loggable_target(req.path));
        } else {
            res.set_header("Allow", allowed);
            reply(ctx, res, 405,
                  req.method + " is not allowed on " + loggable_target(req.path) + "; it answers " +
                      allowed);
        }
        return res;
    }
    if (actors_path(req.path) &&
        !admit(ctx, req, res, k_routes[static_cast<std::size_t>(req.route)].access))
        return res;
    return std::nullopt;
}

void handle(ServerContext& ctx, const Request& req, Response& res) {
    res.tapis = is_tapis(req.path);
    k_routes[static_cast<std::size_t>(req.route)].handler(ctx, req, res);
}

} // namespace pjm::server
