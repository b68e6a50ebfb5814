// SlurmJobcomp: the record Slurm's jobcomp/elasticsearch plugin POSTs for each job that ends, a
// callback (docs/integrations.md#slurm). It names Slurm's job, not a PipelineJob: the handler
// applies it to the PipelineJob that claimed that Slurm job in its run entry (pjm exec records
// it), so it carries no pjm uuid or token. Only pjm serve's /jobcomp/ route reads it, after its
// own credential check; the messages route never classifies a body as this kind.
#include "core/kinds/kind.hpp"
#include "core/scheduler_claims.hpp"
#include "core/schemas.hpp"

#include <array>

namespace pjm::core {

namespace {

using nlohmann::json;

// Slurm's job states at completion → event; any other state (REQUEUED, RESIZING, …) is an
// update.
constexpr std::array<kinds::StatusRow, 9> k_states = {{
    {"COMPLETED", Event::finish},
    {"FAILED", Event::fail},
    {"TIMEOUT", Event::fail},
    {"OUT_OF_MEMORY", Event::fail},
    {"NODE_FAIL", Event::fail},
    {"BOOT_FAIL", Event::fail},
    {"DEADLINE", Event::fail},
    {"CANCELLED", Event::fail},
    {"PREEMPTED", Event::fail},
}};

// The record's fields an entry keeps (the rest, such as the job's script, stays in the
// execution that recorded the message).
constexpr std::array<const char*, 17> k_kept = {
    "jobid",   "cluster",      "state",     "exit_code", "derived_ec",   "@submit",
    "@start",  "@end",         "elapsed",   "job_name",  "work_dir",     "std_out",
    "std_err", "array_job_id", "partition", "nodes",     "array_task_id"};

} // namespace

KindRead read_slurm_jobcomp(const json& body) {
    KindRead r;
    r.errors = schema_errors("slurm", body);
    if (!r.errors.empty()) return r;
    const std::string jobid = std::to_string(body.at("jobid").get<std::uint64_t>());
    const std::string state = body.at("state").get<std::string>();
    SchedulerJobRef job{scheduler_claim_key("slurm", jobid), kinds::opt_string(body, "cluster")};
    if (job.cluster && job.cluster->empty()) job.cluster.reset();
    EventMessage e;
    e.event = kinds::event_for_status(k_states, state);
    json slurm = json::object();
    for (const char* key : k_kept)
        if (auto it = body.find(key);
            it != body.end() && !it->is_null() && !(it->is_string() && it->empty()))
            slurm[key] = *it;
    e.data = json{{"slurm", std::move(slurm)}};
    // One record per end of a Slurm job: a requeued job ends again with another @end.
    std::string end = kinds::opt_string(body, "@end").value_or("");
    CallbackFacts facts{"Slurm", state, "slurm:" + jobid + ":" + state + ":" + end};
    facts.scheduler_job = std::move(job);
    r.message = Message{MessageKind::slurm_jobcomp, std::move(e), std::move(facts)};
    return r;
}

const KindSpec& slurm_kind() {
    static const KindSpec spec{
        MessageKind::slurm_jobcomp, "SlurmJobcomp",       "slurm", Role::callback, true,
        kinds::never_by_shape,      kinds::not_classified};
    return spec;
}

} // namespace pjm::core
