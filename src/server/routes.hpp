// The routes of pjm serve as one table (method, path pattern, handler): it registers them and
// answers 405 with an Allow header for the other methods on their paths. The handlers live one
// file per resource: routes_messages, routes_executions, routes_jobs, routes_service.
#pragma once

#include "server/http.hpp"

#include <optional>
#include <string>

namespace pjm::server {

enum class Method { get, post, put, patch, delete_ };

// A route's handler: the request is whole (its body read and decoded) and, under /actors/v2,
// admitted (credentials and, when the path names one, the actor id checked).
using RouteHandler = void(ServerContext& ctx, const Request& req, Response& res);

RouteHandler post_message, post_message_batch, get_messages;     // routes_messages.cpp
RouteHandler list_executions, get_execution, get_execution_logs; // routes_executions.cpp
RouteHandler get_job, list_jobs;                                 // routes_jobs.cpp
RouteHandler get_health, get_metrics;                            // routes_service.cpp
RouteHandler list_actors, get_actor, list_workers;               // routes_actors.cpp
RouteHandler list_pipelines, add_pipeline, make_admin_token;     // routes_admin.cpp

struct Route {
    Method method;
    // Matched against the whole path as sent (ECMAScript); under /actors/v2/, group 1 is the
    // actor id. Groups are %-decoded after matching; one that decodes to hold '/' matches not.
    const char* pattern;
    RouteHandler* handler;
    Access access = Access::credentials; // under the actors trees: who may use it
};

// Tried in this order; a HEAD is answered by its path's GET.
inline constexpr Route k_routes[] = {
    {Method::post, R"((?:/actors/v2|/v3/actors)/([^/]+)/messages/?)", post_message},
    {Method::post, R"((?:/actors/v2|/v3/actors)/([^/]+)/messages/batch/?)", post_message_batch},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/messages/?)", get_messages},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/executions/?)", list_executions},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/executions/([^/]+)/?)", get_execution},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/executions/([^/]+)/logs/?)",
     get_execution_logs},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/jobs/([^/]+)/?)", get_job},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/jobs/?)", list_jobs},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/pipelines/?)", list_pipelines,
     Access::either},
    {Method::post, R"((?:/actors/v2|/v3/actors)/([^/]+)/pipelines/?)", add_pipeline, Access::admin},
    {Method::post, R"((?:/actors/v2|/v3/actors)/([^/]+)/admin-token/?)", make_admin_token,
     Access::admin},
    {Method::get, R"((?:/actors/v2|/v3/actors)/?)", list_actors},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/?)", get_actor},
    {Method::get, R"((?:/actors/v2|/v3/actors)/([^/]+)/workers/?)", list_workers},
    {Method::get, "/healthz", get_health},
    {Method::get, "/metrics", get_metrics},
};

// Once a request's head is read: finds its row (req.route, req.matches) and admits it. Nothing
// when it may go on; otherwise the refusal, in the envelope: 405 with an Allow header for
// another method on a route's path, 404 for a path that is no route, 401/404 from admit().
std::optional<Response> route_head(ServerContext& ctx, Request& req);
// Runs the handler of the row route_head found.
void handle(ServerContext& ctx, const Request& req, Response& res);
// The methods a path answers ("GET, HEAD, POST"); empty for a path that is no route.
std::string allowed_methods(const std::string& path);

} // namespace pjm::server
