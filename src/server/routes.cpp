// Routes a request by the table of routes.hpp, and refuses what no row takes.
#include "server/routes.hpp"

#include "server/envelope.hpp"
#include "server/route_pattern.hpp"

#include <algorithm>
#include <array>
#include <future>
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

// A path segment with its %-escapes decoded; nothing when one is malformed or it decodes to
// hold '/' (a segment must not become two).
std::optional<std::string> decoded_segment(const std::string& s) {
    auto out = core::percent_decode(s, false);
    if (!out || out->find('/') != std::string::npos) return std::nullopt;
    return out;
}

// The row taking `method` on `path`, its segments decoded into `matches` (the whole path
// first); -1 when none does.
int find_route(std::string_view method, const std::string& path,
               std::vector<std::string>& matches) {
    if (method == "HEAD") method = "GET";
    std::vector<std::string_view> segments;
    for (std::size_t i = 0; i < std::size(k_routes); ++i) {
        if (method_name(k_routes[i].method) != method) continue;
        segments.clear();
        if (!match_route(k_routes[i].pattern, path, segments)) continue;
        std::vector<std::string> groups{path};
        for (std::string_view segment : segments) {
            auto d = decoded_segment(std::string(segment));
            if (!d) return -1;
            groups.push_back(std::move(*d));
        }
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
    const Route& row = k_routes[static_cast<std::size_t>(req.route)];
    if (row.handler) return row.handler(ctx, req, res);
    // (An asynchronous route called this way: it is finished before this returns.)
    std::promise<std::function<void()>> step;
    auto then = step.get_future();
    row.start(ctx, req, res, [&step](std::function<void()> f) { step.set_value(std::move(f)); });
    if (auto f = then.get()) f();
}

bool asynchronous(const Request& req) {
    return req.route >= 0 && k_routes[static_cast<std::size_t>(req.route)].start != nullptr;
}

void start(ServerContext& ctx, const Request& req, Response& res, Finish finish) {
    res.tapis = is_tapis(req.path);
    k_routes[static_cast<std::size_t>(req.route)].start(ctx, req, res, std::move(finish));
}

} // namespace pjm::server
