// What pjm serve runs with: the C options of server_abi.h, checked and in C++ form.
#pragma once

#include "core/handler.hpp"
#include "core/key_case.hpp"
#include "core/kinds/cloudevents.hpp"
#include "core/message.hpp"
#include "server/listen.hpp"
#include "server/server_abi.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pjm::server {

inline constexpr std::size_t k_default_max_body = core::k_max_message_bytes;
inline constexpr std::size_t k_max_threads = 256;

struct ServeConfig {
    ListenAddress listen;
    std::string database_url;
    std::string actor_id;
    std::optional<std::string> bearer_file;
    std::optional<std::string> nonce_file;
    std::optional<std::string> tapis_token_file;
    std::optional<std::string> tapis_public_key;
    std::vector<std::string> tapis_tenants; // empty: any
    std::vector<std::string> tapis_users;   // empty: any
    bool no_auth = false;
    std::optional<std::string> admin_credential_file;  // opens the admin routes
    std::optional<std::string> viewer_credential_file; // opens the read routes only
    bool ui = true;                                    // the dashboard at /ui/ (--no-ui: off)
    std::int64_t keep_executions_s = 0;                // retention; 0: keep every execution
    std::vector<std::string> jobcomp_from;
    // CloudEvent type -> event (--cloudevents-map); nothing: CloudEvents are refused.
    std::optional<core::CloudEventsMap>
        cloudevents;                     // may post Slurm jobcomp records; empty: closed
    std::optional<std::string> tls_cert; // HTTPS: both or neither
    std::optional<std::string> tls_key;
    std::size_t max_body = k_default_max_body;
    core::HandlerConfig handler;
    bool secret_from_database = false; // the admin secret is the database's own
    std::size_t threads = 0;           // threads that read, handle and write requests
    std::size_t read_threads = 0;      // database connections for the read routes
    int verbose = 0;
    std::string version;
    core::KeyCase key_case = core::KeyCase::both;
    std::string owner;     // the actor's owner: the user pjm serve runs as
    std::string worker_id; // this process, as executions and GET …/workers name it
    std::string started;   // when it started (RFC 3339): the actor's and worker's create_time
};

// Checks and converts; throws std::invalid_argument with a printable message (exit code 2).
ServeConfig config_from(const pjm_serve_options& options);

// Whether `id` is an actor id pjm serve accepts: 1 to 64 of [A-Za-z0-9._-].
bool valid_actor_id(std::string_view id);

} // namespace pjm::server
