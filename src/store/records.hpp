// Stored records as JSON: what `pjm export` writes and `pjm import` reads. A job record is the
// job document (core::to_document) plus its salt. (How records map to table rows is
// store/columns.hpp.)
#pragma once

#include "core/job.hpp"
#include "core/storage.hpp"

#include <nlohmann/json.hpp>

namespace pjm::store {

// The job document with its salt; with its history when the job holds one.
nlohmann::json job_record(const core::Job& job, bool with_history = true);
// A job from a record; throws core::StorageError naming the field that is missing or wrong.
// Without "history", the job's history stays empty.
core::Job job_from_record(const nlohmann::json& record);

nlohmann::json pipeline_record(const core::Pipeline& p);
core::Pipeline pipeline_from_record(const nlohmann::json& record);

} // namespace pjm::store
