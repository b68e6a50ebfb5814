// pjm serve: opens the database, wires the routes onto the HTTP server, logs each request, and
// serves until SIGTERM or SIGINT, finishing the requests in flight.
#pragma once

#include "server/config.hpp"

#include <string>

namespace pjm::server {

// Returns pjm's exit code (core::exit_code: ok, storage when the database cannot be opened,
// internal otherwise); `error` gets the reason when it is not 0.
int run(const ServeConfig& config, std::string& error);

} // namespace pjm::server
