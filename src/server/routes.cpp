// Puts the table of routes.hpp onto cpp-httplib, and refuses what no row takes.
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

void add_route(httplib::Server& server, ServerContext& ctx, const Route& route) {
    RouteHandler* handler = route.handler;
    auto without_body = [&ctx, handler](const httplib::Request& req, httplib::Response& res) {
        handler(ctx, req, res, nullptr);
    };
    auto with_body = [&ctx, handler](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
        handler(ctx, req, res, &reader);
    };
    switch (route.method) {
    case Method::get:
        server.Get(route.pattern, without_body);
        break;
    case Method::post:
        server.Post(route.pattern, with_body);
        break;
    case Method::put:
        server.Put(route.pattern, with_body);
        break;
    case Method::patch:
        server.Patch(route.pattern, with_body);
        break;
    case Method::delete_:
        server.Delete(route.pattern, with_body);
        break;
    }
}

void refuse_method(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    std::string allowed = allowed_methods(req.path);
    if (allowed.empty())
        return reply(ctx, res, 404, "no route " + req.method + " " + loggable_target(req.path));
    res.set_header("Allow", allowed);
    reply(ctx, res, 405,
          req.method + " is not allowed on " + loggable_target(req.path) + "; it answers " +
              allowed);
}

} // namespace

std::string allowed_methods(const std::string& path) {
    static const auto patterns = [] {
        std::array<std::regex, std::size(k_routes)> out;
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = std::regex(k_routes[i].pattern);
        return out;
    }();
    std::set<std::string_view> methods; // in alphabetical order, as they are listed
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (!std::regex_match(path, patterns[i])) continue;
        methods.insert(method_name(k_routes[i].method));
        if (k_routes[i].method == Method::get) methods.insert("HEAD");
    }
    std::string out;
    for (auto m : methods)
        out += (out.empty() ? "" : ", ") + std::string(m);
    return out;
}

void add_routes(httplib::Server& server, ServerContext& ctx) {
    for (const Route& route : k_routes)
        add_route(server, ctx, route);
    // Registered after every route, so they see only what no route took.
    auto with_body = [&ctx](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
        refuse_method(ctx, req, res);
        drop_body(req, res, reader);
    };
    auto without_body = [&ctx](const httplib::Request& req, httplib::Response& res) {
        refuse_method(ctx, req, res);
    };
    server.Post(".*", with_body);
    server.Put(".*", with_body);
    server.Patch(".*", with_body);
    server.Delete(".*", with_body);
    server.Delete(".*", without_body);
    server.Options(".*", without_body);
}

} // namespace pjm::server
