// The routes of pjm serve as one table (method, path pattern, handler): it registers them and
// answers 405 with an Allow header for the other methods on their paths. The handlers live one
// file per resource: routes_messages, routes_jobcomp, routes_executions, routes_jobs,
// routes_provenance, routes_admin, routes_actors, routes_service, routes_ui.
#pragma once

#include "server/http.hpp"
#include "server/http_server.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::server {

enum class Method { get, post, put, patch, delete_ };

// A route's handler: the request is whole (its body read and decoded) and, under /actors/v2,
// admitted (credentials and, when the path names one, the actor id checked).
using RouteHandler = void(ServerContext& ctx, const Request& req, Response& res);
// A route whose handler starts the request and returns: it calls `finish` once, from any
// thread, with the step that fills `res` on the connection's thread (HttpApp::start_request).
using Finish = HttpApp::Finish;
using AsyncRouteHandler = void(ServerContext& ctx, const Request& req, Response& res,
                               Finish finish);

AsyncRouteHandler start_message; // routes_messages.cpp
AsyncRouteHandler start_jobcomp; // routes_jobcomp.cpp
// Whether `remote` (an IP address as the connection gives it) is on --jobcomp-from.
bool jobcomp_sender_allowed(const ServeConfig& config, const std::string& remote);

RouteHandler post_message_batch, get_messages;                   // routes_messages.cpp
RouteHandler list_executions, get_execution, get_execution_logs; // routes_executions.cpp
RouteHandler list_job_executions;                                // routes_executions.cpp
RouteHandler get_job, list_jobs, count_jobs;                     // routes_jobs.cpp
RouteHandler get_ui_root, get_ui_file;                           // routes_ui.cpp
RouteHandler get_job_ro_crate, get_job_prov;                     // routes_provenance.cpp
RouteHandler get_health, get_metrics;                            // routes_service.cpp
RouteHandler list_actors, get_actor, list_workers;               // routes_actors.cpp
RouteHandler list_pipelines, add_pipeline, make_admin_token;     // routes_admin.cpp

struct Route {
    Method method;
    // Matched against the whole path as sent (route_pattern.hpp): `{tree}` is /actors/v2 or
    // /v3/actors, `{}` one segment (taken into the matches: under the actors trees the first is
    // the actor id), a final `/?` an optional trailing slash, anything else itself. Segments are
    // %-decoded after matching; one that decodes to hold '/' matches not.
    const char* pattern;
    RouteHandler* handler;               // null for an asynchronous route
    Access access = Access::credentials; // under the actors trees: who may use it
    AsyncRouteHandler* start = nullptr;  // an asynchronous route's handler
};

// Tried in this order; a HEAD is answered by its path's GET.
inline constexpr Route k_routes[] = {
    {Method::post, "{tree}/{}/messages/?", nullptr, Access::credentials, start_message},
    {Method::post, "{tree}/{}/messages/batch/?", post_message_batch},
    {Method::get, "{tree}/{}/messages/?", get_messages},
    {Method::post, "{tree}/{}/jobcomp/{}/{}/?", nullptr, Access::credentials, start_jobcomp},
    {Method::get, "{tree}/{}/executions/?", list_executions, Access::read},
    {Method::get, "{tree}/{}/executions/{}/?", get_execution, Access::read},
    {Method::get, "{tree}/{}/executions/{}/logs/?", get_execution_logs, Access::read},
    {Method::get, "{tree}/{}/jobs/counts/?", count_jobs, Access::read}, // before jobs/{}
    {Method::get, "{tree}/{}/jobs/{}/?", get_job, Access::read},
    {Method::get, "{tree}/{}/jobs/?", list_jobs, Access::read},
    {Method::get, "{tree}/{}/jobs/{}/executions/?", list_job_executions, Access::read},
    {Method::get, "{tree}/{}/jobs/{}/ro-crate/?", get_job_ro_crate, Access::read},
    {Method::get, "{tree}/{}/jobs/{}/prov/?", get_job_prov, Access::read},
    {Method::get, "{tree}/{}/pipelines/?", list_pipelines, Access::either},
    {Method::post, "{tree}/{}/pipelines/?", add_pipeline, Access::admin},
    {Method::post, "{tree}/{}/admin-token/?", make_admin_token, Access::admin},
    {Method::get, "{tree}/?", list_actors, Access::read},
    {Method::get, "{tree}/{}/?", get_actor, Access::read},
    {Method::get, "{tree}/{}/workers/?", list_workers, Access::read},
    {Method::get, "/healthz", get_health},
    {Method::get, "/metrics", get_metrics},
    {Method::get, "/ui", get_ui_root},
    {Method::get, "/ui/", get_ui_file},
    {Method::get, "/ui/{}", get_ui_file},
};

// Once a request's head is read: finds its row (req.route, req.matches) and admits it. Nothing
// when it may go on; otherwise the refusal, in the envelope: 405 with an Allow header for
// another method on a route's path, 404 for a path that is no route, 401/404 from admit().
std::optional<Response> route_head(ServerContext& ctx, Request& req);
// Runs the handler of the row route_head found.
void handle(ServerContext& ctx, const Request& req, Response& res);
// Whether that row's handler is asynchronous; then start() runs it.
bool asynchronous(const Request& req);
void start(ServerContext& ctx, const Request& req, Response& res, Finish finish);
// The methods a path answers ("GET, HEAD, POST"); empty for a path that is no route.
std::string allowed_methods(const std::string& path);

} // namespace pjm::server
