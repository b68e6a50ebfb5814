// The routes of pjm serve, one file each: messages, executions, jobs, and the service routes
// (/healthz, /metrics). What each answers: docs/protocol.md#pjm-serve-routes-and-http-statuses.
#pragma once

#include "server/http.hpp"

namespace pjm::server {

// Path patterns; group 1 is the actor id.
inline constexpr const char* k_messages_route = R"(/actors/v2/([^/]+)/messages/?)";
inline constexpr const char* k_execution_route = R"(/actors/v2/([^/]+)/executions/([^/]+)/?)";
inline constexpr const char* k_logs_route = R"(/actors/v2/([^/]+)/executions/([^/]+)/logs/?)";
inline constexpr const char* k_job_route = R"(/actors/v2/([^/]+)/jobs/([^/]+)/?)";
inline constexpr const char* k_jobs_route = R"(/actors/v2/([^/]+)/jobs/?)";

void add_message_routes(httplib::Server& server, ServerContext& ctx);
void add_execution_routes(httplib::Server& server, ServerContext& ctx);
void add_job_routes(httplib::Server& server, ServerContext& ctx);
void add_service_routes(httplib::Server& server, ServerContext& ctx);
// Registered last: any other method on a path above is refused with 405 and an Allow header,
// anything else with 404, in the envelope, without reading the body.
void add_fallback_routes(httplib::Server& server, ServerContext& ctx);
// The methods a path answers ("GET, HEAD, POST"); empty for a path that is no route.
std::string allowed_methods(const std::string& path);

} // namespace pjm::server
