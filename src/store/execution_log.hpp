// The executions of pjm serve: what one handled message did, as the Abaco executions API
// reports it. pjm serve's, not the Handler's, so it lives beside the backends, not in core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pjm::store {

// The shortest retention of executions (pjm serve --keep-executions, pjm db prune): an
// execution is what answers a repeated Idempotency-Key, and a client may replay a message from
// its outbox days later (docs/protocol.md#execution-retention).
inline constexpr std::int64_t k_min_execution_retention_s = 7 * 24 * 3600;

// One handled message.
struct Execution {
    std::string id;
    std::string actor_id;
    std::string status = "COMPLETE"; // SUBMITTED, RUNNING, COMPLETE
    int exit_code = 0;               // the handler's outcome as a pjm exit code
    std::string start_time;          // RFC 3339 with milliseconds
    std::string end_time;
    std::string message_kind; // "PipelineJobEvent", …; empty when unclassified
    std::string job_uuid;     // empty when the message named no job
    std::string log;          // what happened, one line or a few
    // For a message sent with an Idempotency-Key: "<body>:<credential>", the SHA-256 (hex) of
    // its body and of the credential that sent it, so a repeat of the key is answered only for
    // the same body, and a create's token only to the same sender. Empty otherwise.
    std::string request_digest;
    std::string executor;     // who sent it: the credential's name (docs/protocol.md#executions)
    std::string worker_id;    // the pjm serve process that handled it
    std::int64_t runtime = 0; // whole seconds from start to end, as Abaco counts
};

// A page of an actor's executions, newest first, and the totals over all of them.
struct ExecutionPage {
    std::vector<Execution> executions;
    std::int64_t total = 0;         // executions of the actor
    std::int64_t total_runtime = 0; // the sum of their runtimes
};

// Kept with the data, so every replica of a shared database can answer for any execution.
// Backends implement it on the connection that writes the jobs: inside a write_batch() an
// execution commits in the same transaction as its message, which is also where a repeated
// Idempotency-Key is found.
class ExecutionLog {
  public:
    virtual ~ExecutionLog() = default;
    virtual void add_execution(const Execution& e) = 0;
    virtual std::optional<Execution> get_execution(const std::string& id) = 0;
    // The actor's executions, newest first (by start time), `offset` of them skipped and at
    // most `limit` given; the totals come from a table kept by the schema's triggers, so they
    // cost the same however many executions there are.
    virtual ExecutionPage list_executions(const std::string& actor_id, std::size_t limit,
                                          std::size_t offset) = 0;
    // The actor's executions of messages that named the job `job_uuid`, newest first, at most
    // `limit` (the dashboard's job page).
    virtual std::vector<Execution> list_job_executions(const std::string& actor_id,
                                                       const std::string& job_uuid,
                                                       std::size_t limit) = 0;
    // Retention (docs/protocol.md#execution-retention): deletes at most `at_most` executions
    // that started before `started_before` (RFC 3339), oldest first, in one short transaction
    // of its own, and returns how many; the totals follow (the schema's triggers). Callers
    // repeat it until it returns fewer than `at_most`, so no transaction holds the database
    // for long.
    virtual std::size_t prune_executions(const std::string& started_before,
                                         std::size_t at_most) = 0;
};

} // namespace pjm::store
