// What every subcommand shares: global flags, resolved settings, and the lazily opened
// database and handler of local mode.
#pragma once

#include "cli/settings.hpp"
#include "core/clock.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

// Only what every command needs is included here; a command that opens the database or
// talks to a manager includes core/handler.hpp, store/store.hpp or remote/sender.hpp itself.
namespace pjm::core {
class Handler;
class Storage;
struct AdminConfig;
} // namespace pjm::core
namespace pjm::remote {
class AbacoClient;
class Budget;
struct Credentials;
class Outbox;
class Sender;
} // namespace pjm::remote
namespace pjm::store {
enum class Create;
class Database;
} // namespace pjm::store

namespace pjm::cli {

struct GlobalFlags {
    bool json = false;
    bool dry_run = false;
    int verbose = 0;
    bool local = false;
    bool insecure = false; // skip TLS verification: only when asked, never by default
    bool sync = false;     // ask Abaco to run the message synchronously
    bool wait = false;     // poll the execution until it completes
    int wait_seconds = 60; // how long --wait waits
    bool no_outbox = false;
    bool quiet = false;                         // -q: nothing on stdout
    std::optional<std::string> output_template; // --template
    std::optional<std::string> config;
    std::map<std::string, std::string> values; // settings given as flags, by setting name
};

class Context {
  public:
    GlobalFlags flags;
    Settings settings;
    core::SystemClock clock;

    void resolve(); // after parsing: settings from flags, env, config file, defaults

    bool local() const; // --local, or the local setting (a strict switch)
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // The database, opened on first use. Only a command that starts a database passes
    // Create::yes; the others report a missing one (a mistyped path) instead of making it.
    core::Storage& storage();
    core::Storage& storage(store::Create create);
    // The same connection with what only pjm's own tools use (settings, export and import).
    store::Database& database();
    store::Database& database(store::Create create);
    core::Handler& handler();
    // Admin token settings; with `use_database`, a missing secret comes from the database.
    core::AdminConfig admin_config(bool use_database);

    // The manager, from url or tenant_url + actor_id and the transport settings; usage error
    // when none is configured. The HTTP module is loaded on the first request, not here.
    remote::AbacoClient client() const;
    // The same for a given messages URL (outbox flush sends each message where it was meant).
    remote::AbacoClient client_for(const std::string& messages_url) const;
    remote::Outbox outbox() const;
    // The client of client(), with the outbox and the flush of a job's earlier messages.
    remote::Sender sender() const;
    // The manager's messages URL: url, else tenant_url + actor_id (/actors/v2/ID/messages, or
    // /v3/actors/ID/messages for a Tapis v3 manager); nothing when unset.
    std::optional<std::string> manager_url() const;
    // Whether the manager speaks Tapis v3: --api (PJM_API, api), else whether --url is a
    // /v3/actors/ URL. Usage error for another value, or one the URL contradicts.
    bool tapis_v3() const;
    // The credentials to send: the tree's header (bearer for v2, X-Tapis-Token for v3) or the
    // nonce; usage error for a credential the manager's tree does not take and nothing else.
    remote::Credentials credentials() const;
    // A fresh time budget for the manager (retry_max_time) from now: pjm exec's finish, after
    // the command, gets its own.
    void restart_budget() const;
    // No budget for the whole command: each request keeps its own retry_max_time (pjm outbox
    // flush, whose hundreds of messages may rightly take longer than one message's time).
    void per_request_budget() { m_budget_off = true; }

    // A job UUID from the command line, else PJM_JOB_UUID; usage error when neither. Any case;
    // in local mode an unambiguous prefix too (core/lookup.hpp). Other text is returned as it
    // is, for the message check to refuse (exit 3).
    std::string job_uuid(const std::string& positional);
    // A pipeline by UUID or name: looked up in local mode, derived from the name otherwise.
    std::string pipeline_uuid(const std::string& text, std::string_view option);
    // A token from --token, else PJM_TOKEN; usage error when it cannot be a token (a job or
    // admin token is 16 characters; the message schemas allow 16 or 17).
    std::optional<std::string> token(const std::string& flag) const;

    void trace(const std::string& line) const; // stderr, only with -v

  private:
    // The command's time for the manager, shared by every client it makes.
    std::shared_ptr<remote::Budget> budget() const;
    mutable std::shared_ptr<remote::Budget> m_budget;
    bool m_budget_off = false;
    std::unique_ptr<store::Database> m_database;
    std::unique_ptr<core::Handler> m_handler;
};

} // namespace pjm::cli
