// How a PipelineJob claims the scheduler job it runs in, and how a scheduler's report of that
// job finds it again (docs/integrations.md#slurm): the run entry's data names the scheduler job
// (pjm exec writes {"scheduler": {"name": "slurm", "job_id": "4242", "cluster": "c1"}}), the
// handler stores a SchedulerClaim under scheduler_claim_key(), and a Slurm job completion record
// is applied to the newest claim of its job id.
#pragma once

#include "core/message.hpp"
#include "core/storage.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::core {

// "slurm:4242": the scheduler's name and its job id, as the claims table keys them.
std::string scheduler_claim_key(std::string_view scheduler, std::string_view job_id);

// The claim a run entry's data makes: its `scheduler` member with a `name` and a `job_id` (text,
// or a whole number), and `cluster` (Slurm) or `server` (PBS) when given. Nothing otherwise.
struct ClaimFromData {
    std::string key;
    std::optional<std::string> cluster;
};
std::optional<ClaimFromData> claim_in_run_data(const nlohmann::json& data);

// Of `claims` (newest first), the one a report for `job` means: the newest whose cluster agrees
// with the report's (a claim or a report that names no cluster agrees with any).
std::optional<SchedulerClaim> claim_for(const std::vector<SchedulerClaim>& claims,
                                        const SchedulerJobRef& job);

} // namespace pjm::core
