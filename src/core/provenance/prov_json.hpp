// A job's provenance in W3C PROV-JSON (docs/provenance.md): the job as a prov:Activity
// associated with its pipeline as a prov:Plan, its parameters as entities it used, its archive
// as an entity it generated, its history as activities informing it.
#pragma once

#include "core/provenance/run_record.hpp"

#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core::provenance {

// The prefix of pjm's own attribute and identifier names.
inline constexpr const char* k_pjm_namespace = "urn:pjm:";

nlohmann::json prov_document(const std::vector<RunRecord>& runs);

} // namespace pjm::core::provenance
