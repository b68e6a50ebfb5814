// The backend object store::open returns: the Handler's port (core::Storage),
// pjm serve's execution log, and what only pjm's own tools use (group commit,
// settings, WAL checkpoints, export/import).
#pragma once

#include "core/storage.hpp"
#include "store/execution_log.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pjm::store {

// One connection to a job database. Code that only handles messages or reads
// jobs and pipelines takes the core::Storage part.
class Database : public core::Storage, public ExecutionLog {
  public:
    // Group commit (pjm serve): runs `fn` in one transaction in which each
    // write() becomes a savepoint (committed or rolled back on its own, as
    // write() says) and add_execution joins in, then commits once. Nothing in it
    // is durable before this returns; when it throws core::StorageError, nothing
    // in it was saved. A backend without it runs `fn` as it is, each write
    // committing on its own.
    virtual void write_batch(const std::function<void()>& fn) { fn(); }

    // Small site settings kept with the data (e.g. a generated admin secret).
    virtual std::optional<std::string> get_setting(const std::string& key) = 0;
    virtual void set_setting(const std::string& key, const std::string& value) = 0;

    // Copies what SQLite's WAL holds into the database without blocking readers or the
    // writer (a passive checkpoint). pjm serve opens its writer with automatic checkpoints
    // off (store::OpenOptions) and calls this on another connection, from another thread,
    // so no commit stalls for it. A no-op on backends without a WAL of their own.
    virtual void checkpoint() {}

    // After a bulk load (pjm import): refreshes what the query planner knows of the tables'
    // contents. PostgreSQL plans a list from statistics that autovacuum gathers only later;
    // without them a fresh import of 100,000 jobs sorted every RUNNING job for a page
    // (BENCHMARKS.md, a million jobs). A no-op where the planner needs none.
    virtual void refresh_statistics() {}

    // What the opening found that the operator should know (a database file others can read),
    // one sentence each; the caller shows them (pjm: warnings on stderr; serve: its log).
    virtual std::vector<std::string> warnings() const { return {}; }

    // What the backend is, for messages and exports ("sqlite:/path/pjm.db").
    virtual std::string describe() const = 0;

    // The scheduler jobs `job_uuid`'s run entries claimed (claim key, claim), oldest first:
    // what pjm export carries of them.
    virtual std::vector<std::pair<std::string, core::SchedulerClaim>>
    job_claims(const std::string& job_uuid) = 0;
};

} // namespace pjm::store
