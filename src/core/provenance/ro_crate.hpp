// A job's provenance as an RO-Crate 1.1 metadata document conforming to the Process Run Crate
// profile 0.5 (docs/provenance.md says which property comes from which field).
#pragma once

#include "core/provenance/run_record.hpp"

#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core::provenance {

inline constexpr const char* k_ro_crate_spec = "https://w3id.org/ro/crate/1.1";
inline constexpr const char* k_ro_crate_context = "https://w3id.org/ro/crate/1.1/context";
inline constexpr const char* k_process_run_crate = "https://w3id.org/ro/wfrun/process/0.5";

// ro-crate-metadata.json for one or more jobs: one CreateAction each, its pipeline as the
// SoftwareApplication it ran, its history as a linked list of actions. Deterministic: the same
// records give the same bytes (its datePublished is the newest job's last update).
nlohmann::json ro_crate_metadata(const std::vector<RunRecord>& runs);

} // namespace pjm::core::provenance
