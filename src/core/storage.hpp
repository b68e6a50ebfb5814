// The storage port of core::Handler and the reads in core/reads.hpp: what they need, nothing
// more. src/store implements it per backend (store::Database adds what only pjm's tools use).
#pragma once

#include "core/job.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pjm::core {

// A backend failure (unreachable, locked, full, corrupt, too new): exit code 8.
class StorageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A PipelineJob's claim on a scheduler's job (docs/integrations.md#slurm): written when a run
// entry's data names the scheduler job it runs in ({"scheduler": {"name", "job_id", …}}, as
// pjm exec records it), so the scheduler's own report of that job's end finds the PipelineJob.
struct SchedulerClaim {
    std::string job_uuid;
    std::optional<std::string> cluster; // the Slurm cluster or PBS server, when known
    std::string claimed;                // when (RFC 3339, as stored)
};

// Operations inside one write transaction; the job row read here stays locked until commit.
class StorageTx {
  public:
    virtual ~StorageTx() = default;
    // The job without its history, hidden or not; nothing when it does not exist.
    virtual std::optional<Job> load_job_for_update(const std::string& uuid) = 0;
    virtual std::optional<Pipeline> find_pipeline(const std::string& uuid) = 0;
    // Appends one history entry and sets state, last_event and updated.
    virtual void append_event(const Job& job, const HistoryEntry& entry, State new_state) = 0;
    // Inserts a new job with its history (the create entry).
    virtual void insert_job(const Job& job) = 0;
    virtual void hide_job(const std::string& uuid, const std::string& updated) = 0;
    // Removes the job with its history and its callback receipts.
    virtual void remove_job(const std::string& uuid) = 0;
    // Platform callbacks' receipts (docs/protocol.md#callbacks): the history entry the job's
    // notification with this dedupe key was recorded as; kept as long as the job.
    virtual std::optional<std::string> find_receipt(const std::string& job_uuid,
                                                    const std::string& key) = 0;
    virtual void add_receipt(const std::string& job_uuid, const std::string& key,
                             const std::string& entry_uuid, const std::string& received) = 0;
    // Scheduler claims, keyed by scheduler_claim_key(): a job claiming the same key again
    // replaces its claim; removed with the job.
    virtual void add_claim(const std::string& key, const SchedulerClaim& claim) = 0;
    // The claims on `key`, newest first, at most `limit` (scheduler job ids are reused).
    virtual std::vector<SchedulerClaim> find_claims(const std::string& key, std::size_t limit) = 0;
};

// Which part of a job's history a read returns. Entries are numbered 1, 2, … in the order they
// were appended (a job's numbers never change: history is append-only). The read returns the
// newest entries numbered below `before`, at most `limit` of them, oldest first, and stops
// adding older ones once their `data` add up to `max_bytes` (the newest one always comes).
struct HistoryWindow {
    std::int64_t before = std::numeric_limits<std::int64_t>::max();
    std::size_t limit = 0; // 0: no history
    std::size_t max_bytes = std::numeric_limits<std::size_t>::max();

    static HistoryWindow none() { return {}; }
    // Every entry (pjm export, tests); never for a reply.
    static HistoryWindow all() {
        return {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::size_t>::max(),
                std::numeric_limits<std::size_t>::max()};
    }
};

struct JobFilter {
    std::optional<State> state;
    std::optional<std::string> pipeline_uuid;
    std::size_t limit = 0; // 0: no limit
    bool include_hidden = false;
    // Jobs whose UUID starts with this (lowercase hex and dashes): how a short UUID given on
    // the command line is resolved, like git's abbreviated object names.
    std::optional<std::string> uuid_prefix;
    // Keyset paging (docs/protocol.md#job-lists): only the jobs that come after this one in
    // the list's order (updated, newest first, then uuid): updated before after_updated, or
    // the same with a greater uuid. A job updated meanwhile moves ahead of the page: it is
    // never listed twice.
    std::optional<std::string> after_updated;
    std::optional<std::string> after_uuid;
    // Only jobs updated at or after `since`, before `until` (RFC 3339 as stored).
    std::optional<std::string> since;
    std::optional<std::string> until;
};

class Storage {
  public:
    virtual ~Storage() = default;
    // Runs `fn` in one write transaction: committed when it returns true, rolled back when it
    // returns false or throws. Throws StorageError when the backend fails.
    virtual void write(const std::function<bool(StorageTx&)>& fn) = 0;

    // The job with the part of its history `window` asks for (Job::history_start says where it
    // begins), read in one snapshot; nothing when it does not exist.
    virtual std::optional<Job> get_job(const std::string& uuid, const HistoryWindow& window) = 0;
    virtual std::vector<Job> find_jobs(const JobFilter& filter) = 0;
    // How many jobs are in each state (states without jobs left out), among the jobs the
    // filter's pipeline, since, until and include_hidden select (its state, limit, cursor and
    // prefix are not used): the dashboard's counts.
    virtual std::vector<std::pair<State, std::int64_t>> count_jobs(const JobFilter& filter) = 0;

    // False when a pipeline with that UUID exists already.
    virtual bool add_pipeline(const Pipeline& p) = 0;
    virtual std::optional<Pipeline> get_pipeline(const std::string& uuid) = 0;
    virtual std::vector<Pipeline> list_pipelines() = 0;
};

} // namespace pjm::core
