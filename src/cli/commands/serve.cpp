// pjm serve: the manager over HTTP (docs/protocol.md#pjm-serve-routes-and-http-statuses). The
// server lives in the pjm-server module, loaded only here, so no other command pays for its
// event loop and the libraries it brings (zlib, brotli).
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "cli/setting_values.hpp"
#include "core/error.hpp"
#include "core/token.hpp"
#include "core/typed_uuid.hpp"
#include "server/server_abi.h"
#include "util/module.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace pjm::cli {

namespace {

struct ServeArgs {
    std::string listen = "127.0.0.1:8080";
    std::string bearer_file;
    std::string nonce_file;
    bool no_auth = false;
    std::uint64_t max_body = 1024 * 1024;
    int threads = 0;
    std::string key_case = "both";
    std::string tapis_token_file;
    std::string tapis_public_key;
    std::vector<std::string> tapis_tenants;
    std::vector<std::string> tapis_users;
    std::string tls_cert;
    std::string tls_key;
    std::string admin_credential_file;
    std::string keep_executions;
    std::vector<std::string> jobcomp_from;
    std::string cloudevents_map;
    std::string viewer_credential_file;
    bool no_ui = false;
};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

int run_serve(Context& ctx, const ServeArgs& a) {
    if (a.bearer_file.empty() && a.nonce_file.empty() && a.tapis_token_file.empty() &&
        a.tapis_public_key.empty() && !a.no_auth)
        usage_error("serve will not start without credentials to check: give --bearer-file "
                    "FILE and/or --nonce-file FILE (one accepted value a line), for Tapis v3 "
                    "clients --tapis-token-file FILE or --tapis-public-key PEM, or --no-auth "
                    "to accept every request");
    auto actor = ctx.settings.get("actor_id");
    if (!actor || actor->empty())
        usage_error("serve needs the actor id it answers for: --actor-id ID or PJM_ACTOR_ID");
    std::string database = ctx.settings.get_or("database", default_database_path());
    // The module opens the database (and makes it when there is none yet); this process must
    // not hold it open as well: two copies of SQLite in one process do not see each other's
    // locks. Without a configured admin secret, the server uses the database's own.
    core::AdminConfig admin = ctx.admin_config(false);
    bool secret_configured = ctx.settings.get("admin_secret").has_value();
    std::string uuid_domain =
        ctx.settings.get_or("uuid_domain", std::string(core::k_default_uuid_domain));

    util::Module module = [] {
        try {
            return util::Module::load("server", PJM_SERVER_ABI_VERSION);
        } catch (const std::runtime_error& e) {
            throw CliError(core::ErrorKind::internal, e.what());
        }
    }();
    auto serve = module.function<pjm_serve_run_fn>("pjm_serve_run");

    pjm_serve_options o{};
    o.listen = a.listen.c_str();
    o.database_url = database.c_str();
    o.actor_id = actor->c_str();
    o.bearer_file = a.bearer_file.empty() ? nullptr : a.bearer_file.c_str();
    o.nonce_file = a.nonce_file.empty() ? nullptr : a.nonce_file.c_str();
    o.no_auth = a.no_auth ? 1 : 0;
    o.max_body = a.max_body;
    o.admin_secret = secret_configured ? admin.secret.c_str() : nullptr;
    o.admin_key = admin.key.c_str();
    o.admin_lifetime = admin.lifetime;
    o.uuid_domain = uuid_domain.c_str();
    o.threads = a.threads;
    o.verbose = ctx.flags.verbose;
    o.version = PJM_VERSION;
    o.key_case = a.key_case.c_str();
    auto optional = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    std::string tenants = joined(a.tapis_tenants), users = joined(a.tapis_users);
    std::string jobcomp_from = joined(a.jobcomp_from);
    o.jobcomp_from = optional(jobcomp_from);
    o.cloudevents_map = optional(a.cloudevents_map);
    o.tapis_token_file = optional(a.tapis_token_file);
    o.tapis_public_key = optional(a.tapis_public_key);
    o.tapis_tenants = optional(tenants);
    o.tapis_users = optional(users);
    o.tls_cert = optional(a.tls_cert);
    o.tls_key = optional(a.tls_key);
    o.admin_credential_file = optional(a.admin_credential_file);
    o.viewer_credential_file = optional(a.viewer_credential_file);
    o.no_ui = a.no_ui ? 1 : 0;
    o.keep_executions_s =
        a.keep_executions.empty() ? 0 : parse_duration_s(a.keep_executions, "--keep-executions");
    char error[2048] = {};
    int code = serve(&o, error, sizeof error);
    if (code != 0)
        print_error(ctx.flags.json, core::kind_for_exit_code(code),
                    error[0] ? error : "the server failed");
    return code;
}

} // namespace

void add_serve_command(Command& root, Context& ctx) {
    auto args = std::make_shared<ServeArgs>();
    auto& sub = root.sub("serve",
                         "Run a PipelineJobs manager over HTTP: the Abaco messages, executions and "
                         "jobs routes on the database, until SIGTERM or SIGINT; SIGHUP reloads "
                         "credentials and certificate");
    sub.option("--listen", args->listen,
               "ADDR:PORT to listen on ([::1]:PORT for IPv6, :PORT for every IPv4 address; port "
               "0 picks a free one). Plain HTTP beyond loopback draws a warning: use --tls-cert")
        .type_name("ADDR:PORT")
        .show_default();
    sub.option("--tls-cert", args->tls_cert,
               "Serve HTTPS with this PEM certificate chain (the server's certificate first); "
               "SIGHUP reads it again")
        .type_name("FILE");
    sub.option("--tls-key", args->tls_key,
               "The PEM private key of --tls-cert (unencrypted; keep it readable by the "
               "service only)")
        .type_name("FILE");
    sub.option("--bearer-file", args->bearer_file,
               "File of accepted 'Authorization: Bearer' tokens, one a line (SIGHUP reads the "
               "credential files again)")
        .type_name("FILE");
    sub.option("--nonce-file", args->nonce_file,
               "File of accepted x-nonce URL parameters, one a line")
        .type_name("FILE");
    sub.option("--tapis-token-file", args->tapis_token_file,
               "File of accepted X-Tapis-Token values (Tapis v3 paths), one a line")
        .type_name("FILE");
    sub.option("--tapis-public-key", args->tapis_public_key,
               "PEM file of the Tapis tenant's public key: accept the tenant's RS256 JWTs as "
               "X-Tapis-Token")
        .type_name("FILE");
    sub.option("--tapis-tenant", args->tapis_tenants,
               "Accept Tapis JWTs of this tenant only (tapis/tenant_id; repeat for more)");
    sub.option("--tapis-user", args->tapis_users,
               "Accept Tapis JWTs of this user only (tapis/username; repeat for more)");
    sub.option("--admin-credential-file", args->admin_credential_file,
               "File of admin credentials, one a line: they open the admin routes (register "
               "pipelines, get admin tokens); without it those routes are closed")
        .type_name("FILE");
    sub.option("--viewer-credential-file", args->viewer_credential_file,
               "File of read-only credentials, one a line: as 'Authorization: Bearer' they "
               "open the read routes and the dashboard's data, never the messages route")
        .type_name("FILE");
    sub.flag("--no-ui", args->no_ui,
             "No dashboard: /ui/ answers 404 (it serves only its own files; its data comes "
             "from the read routes, with the same credentials)");
    sub.option("--keep-executions", args->keep_executions,
               "Delete executions that started longer ago than this (at least 7d; e.g. 30d), at "
               "start and every minute; default: keep them all")
        .type_name("DURATION");
    sub.option("--jobcomp-from", args->jobcomp_from,
               "Take Slurm's job completion records (jobcomp/elasticsearch, on the actor's "
               "jobcomp/INDEX/_doc route) from this IP address, slurmctld's; repeat for more; "
               "without it the route is closed")
        .type_name("ADDR");
    sub.option("--cloudevents-map", args->cloudevents_map,
               "JSON file mapping CloudEvent types to events ({\"types\": {TYPE: EVENT, …}}): "
               "take CloudEvents 1.0 on the messages route; without it they are refused")
        .type_name("FILE");
    sub.flag("--no-auth", args->no_auth,
             "Accept requests without credentials (a trusted network only)");
    sub.option("--max-body", args->max_body, "Largest accepted message body, in bytes")
        .positive()
        .show_default();
    sub.option("--threads", args->threads,
               "Threads that read, handle and write requests, 1 to 256 (default: 3 per core, "
               "4 to 64); waiting connections hold none, nor do messages waiting for their "
               "commit")
        .positive();
    sub.option("--case", args->key_case,
               "Keys of Abaco results: snake (execution_id), camel (executionId), or both, "
               "which every Abaco client reads")
        .one_of({"snake", "camel", "both"})
        .show_default();
    sub.footer(examples({
        "pjm serve --listen 127.0.0.1:8080 --db /srv/pjm/jobs.db --actor-id pjm "
        "--bearer-file /etc/pjm/bearers",
        "pjm serve --listen :8443 --tls-cert /etc/pjm/tls/cert.pem --tls-key "
        "/etc/pjm/tls/key.pem --actor-id pjm --nonce-file /etc/pjm/nonces   (HTTPS, every "
        "address)",
        "kill -HUP $(pidof pjm)   (after changing a credential file or the certificate)",
        "curl -H \"Authorization: Bearer $TOKEN\" --data '{\"uuid\": \"107...\", \"name\": "
        "\"run\", \"token\": \"...\"}' http://127.0.0.1:8080/actors/v2/pjm/messages",
        "pjm serve --actor-id pjm --tapis-public-key /etc/pjm/tacc.pem --tapis-tenant tacc   "
        "(Tapis v3 clients: /v3/actors/pjm/...)",
        "curl http://127.0.0.1:8080/healthz; curl http://127.0.0.1:8080/metrics",
        "pjm serve --actor-id pjm --bearer-file /etc/pjm/bearers --viewer-credential-file "
        "/etc/pjm/viewers   (then open http://127.0.0.1:8080/ui/)",
    }));
    sub.on_run([&ctx, args] { return run_serve(ctx, *args); });
}

} // namespace pjm::cli
