// The routes of pjm serve as one table (method, path pattern, handler): it registers them and
// answers 405 with an Allow header for the other methods on their paths. The handlers live one
// file per resource: routes_messages, routes_executions, routes_jobs, routes_service.
#pragma once

#include "server/http.hpp"

#include <string>

namespace pjm::server {

enum class Method { get, post, put, patch, delete_ };

// A route's handler. `body` reads the request's body as it arrives, for the methods that carry
// one (POST, PUT, PATCH, DELETE); it is null for GET, whose body (if any) the HTTP layer reads
// and no handler looks at.
using RouteHandler = void(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader* body);

RouteHandler post_message, get_messages;        // routes_messages.cpp
RouteHandler get_execution, get_execution_logs; // routes_executions.cpp
RouteHandler get_job, list_jobs;                // routes_jobs.cpp
RouteHandler get_health, get_metrics;           // routes_service.cpp

struct Route {
    Method method;
    // Matched against the whole path (ECMAScript); under /actors/v2/, group 1 is the actor id.
    const char* pattern;
    RouteHandler* handler;
};

// Tried in this order; a HEAD is answered by its path's GET.
inline constexpr Route k_routes[] = {
    {Method::post, R"(/actors/v2/([^/]+)/messages/?)", post_message},
    {Method::get, R"(/actors/v2/([^/]+)/messages/?)", get_messages},
    {Method::get, R"(/actors/v2/([^/]+)/executions/([^/]+)/?)", get_execution},
    {Method::get, R"(/actors/v2/([^/]+)/executions/([^/]+)/logs/?)", get_execution_logs},
    {Method::get, R"(/actors/v2/([^/]+)/jobs/([^/]+)/?)", get_job},
    {Method::get, R"(/actors/v2/([^/]+)/jobs/?)", list_jobs},
    {Method::get, "/healthz", get_health},
    {Method::get, "/metrics", get_metrics},
};

// Registers every route of k_routes, then the refusals: any other method on one of their paths
// gets 405 and an Allow header, anything else 404, in the envelope, without reading the body.
void add_routes(httplib::Server& server, ServerContext& ctx);
// The methods a path answers ("GET, HEAD, POST"); empty for a path that is no route.
std::string allowed_methods(const std::string& path);

} // namespace pjm::server
