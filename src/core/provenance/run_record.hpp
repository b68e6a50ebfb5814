// What a job's provenance says, read once from its record and history so that every format
// (RO-Crate, PROV-JSON; docs/provenance.md) says the same: the job with its whole history, its
// pipeline, and the run its latest attempt made: when it started and ended, how it ended.
#pragma once

#include "core/job.hpp"
#include "core/reads.hpp"
#include "core/storage.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pjm::core::provenance {

// How the latest attempt ended, in schema.org's words for an action's status.
enum class RunStatus {
    potential, // not started: CREATED or RESET, no run yet
    active,    // started and not ended: RUNNING
    completed, // ended by a finish
    failed,    // ended by a fail
};

// "potential", "active", "completed", "failed".
const char* to_string(RunStatus s);

struct RunSummary {
    RunStatus status = RunStatus::potential;
    std::optional<std::string> start; // the attempt's first run
    std::optional<std::string> end;   // its first finish (completed) or last fail (failed)
    std::optional<std::string> error; // what the fail said, when it said something
    std::size_t attempt = 1;          // 1 + the resets before it
};

// The summary of `job`'s latest attempt: the history after its last reset. The job must hold
// its whole history. Nothing is guessed: a time the history does not give stays empty.
RunSummary summarize(const Job& job);

// The state each history entry left the job in, replayed through the lifecycle from CREATED;
// empty from the first entry the lifecycle refuses (an imported legacy history) onward.
std::vector<std::optional<State>> states_after(const Job& job);

// One job's provenance: the job (whole history) and its pipeline when it is registered.
struct RunRecord {
    Job job;
    std::optional<Pipeline> pipeline;
};

// The record of the job `uuid` (a full job UUID): invalid or not_found as read_job words them.
Result<RunRecord> read_run_record(Storage& storage, const std::string& uuid);

// A percent-encoded form of `text` usable after '#' in an IRI: unreserved ASCII kept, every
// other byte %XX.
std::string fragment_encode(const std::string& text);

} // namespace pjm::core::provenance
