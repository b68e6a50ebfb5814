// Where a built message goes, chosen in one place: the local door applies it to the database
// through core::Handler, the remote door sends it to the manager (retries, outbox, --wait), the
// dry-run door shows it and touches nothing. Every door answers with one Delivery, which one
// presenter prints (cli/present.hpp), so a command prints the same document through each.
#pragma once

#include "core/error.hpp"
#include "core/query.hpp"
#include "remote/sender.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pjm::core {
class Handler;
}
namespace pjm::store {
class Database;
}

namespace pjm::cli {

class Context;

// What became of one message, whichever door it went through.
struct Delivery {
    core::ErrorKind kind = core::ErrorKind::ok;
    // "applied" (local), "sent" (to a manager), "queued" (kept in the outbox), "would_apply" or
    // "would_send" (dry runs); "refused" (3-6) or "failed" when kind says so.
    std::string outcome;
    std::string message;              // what happened, or why nothing did
    nlohmann::json message_kind;      // "PipelineJobEvent", …; null when unknown
    nlohmann::json uuid;              // the job the message named or created; null when none
    nlohmann::json job;               // the job after the change, without history; null when
                                      // the manager did not say (or nothing changed)
    std::optional<std::string> token; // the new job's token, for a create
    std::string execution_id;         // the manager's execution, when it started one
    nlohmann::json execution;         // --wait: the completed execution; null otherwise
    std::string outbox_id;            // when queued
    std::string outbox;               // the outbox folder, when queued
    std::string unreachable;          // why the manager could not be reached, when it could not
    nlohmann::json request;           // dry runs: what would be sent or applied
    bool ok() const { return kind == core::ErrorKind::ok; }
};

// The text of `body` as a manager would receive it. Throws CliError (invalid) when a value is
// not UTF-8: command-line values need not be (a Latin-1 --archive-path), JSON cannot carry them.
remote::Outgoing outgoing(const nlohmann::json& body, const core::QueryParams& query);
// The job a message names (its "uuid", or the uuid URL parameter); null when none.
nlohmann::json named_job(const remote::Outgoing& message);
// The result of a reply from one of pjm serve's own routes (`route`: "pipelines", …): a
// manager without it (404, 405: an older pjm serve, or a plain Abaco actor) is not found,
// named as such; any other failure is the reply's own. Throws CliError.
const nlohmann::json& route_result(const remote::Reply& reply, std::string_view route);
// A Delivery's outcome for `kind`: `done` when ok ("applied", "sent"), else "queued",
// "refused" (3-6) or "failed".
std::string outcome_name(core::ErrorKind kind, const char* done);

class Door {
  public:
    virtual ~Door() = default;
    virtual Delivery deliver(const remote::Outgoing& message) = 0;
    // The manager could not be reached (`why`): the next messages are kept at once instead of
    // each waiting through the retries. Only the remote door has anything to stop.
    virtual void stop_trying(const std::string& why) { (void)why; }
    // Whether deliveries can be made durable together (group()): the local door's.
    virtual bool groups() const { return false; }
    // Runs `fn`, which delivers several messages; a door that groups makes them durable
    // together, in one transaction with a savepoint each, when `fn` returns (a refused message
    // still changes nothing). Throws core::StorageError when that commit fails: then nothing of
    // the group was saved. `fn` may run more than once (a transaction retried after a lost
    // race): each run starts afresh.
    virtual void group(const std::function<void()>& fn) { fn(); }
};

// Applies messages with `handler`, exactly as a manager would; `database` is where the handler
// writes, for group().
class LocalDoor : public Door {
  public:
    LocalDoor(core::Handler& handler, store::Database* database = nullptr)
        : m_handler(handler), m_database(database) {}
    Delivery deliver(const remote::Outgoing& message) override;
    bool groups() const override { return m_database != nullptr; }
    void group(const std::function<void()>& fn) override;
    // Deliveries without the job's document (Delivery::job stays null): for callers that
    // print no such document (event --batch), which would spend a third of their time on it.
    void leave_out_documents() { m_documents = false; }

  private:
    core::Handler& m_handler;
    store::Database* m_database;
    bool m_documents = true;
};

// Checks messages as the local door would parse and classify them (local) or shows the request
// the remote door would make (credentials redacted); changes nothing, sends nothing.
class DryRunDoor : public Door {
  public:
    enum class Target { database, manager };
    DryRunDoor(const Context& ctx, Target target) : m_ctx(ctx), m_target(target) {}
    Delivery deliver(const remote::Outgoing& message) override;
    // What every message of a batch shares: "apply to DB" or "POST URL" and its headers.
    std::string header() const;

  private:
    const Context& m_ctx;
    Target m_target;
};

struct RemoteOptions {
    bool sync = false;     // ask the manager to run the message synchronously
    int wait_seconds = -1; // --wait: poll the execution for this long; -1: do not wait
};

// Sends messages with `sender`; what is still undeliverable after the retries is kept.
class RemoteDoor : public Door {
  public:
    RemoteDoor(remote::Sender sender, RemoteOptions options,
               std::function<void(const std::string&)> trace = {})
        : m_sender(std::move(sender)), m_options(options), m_trace(std::move(trace)) {}
    Delivery deliver(const remote::Outgoing& message) override;
    void stop_trying(const std::string& why) override;

  private:
    remote::Sender m_sender;
    RemoteOptions m_options;
    std::function<void(const std::string&)> m_trace;
    std::string m_unreachable; // set by stop_trying
};

// The door the context's flags choose: --local (or --dry-run with it), --dry-run, or send.
// The database or the manager is opened here, once: a missing one is one error.
std::unique_ptr<Door> open_door(Context& ctx);

// Builds, delivers and presents one message; returns the exit code.
int deliver(Context& ctx, const nlohmann::json& body, const core::QueryParams& query);

} // namespace pjm::cli
