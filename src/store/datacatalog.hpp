// `pjm import --from datacatalog`: PipelineJobs and pipelines of the original manager, as
// `mongoexport` writes the `jobs` and `pipelines` collections of SD2E's python-datacatalog
// (docs/migration.md). Documents are read in relaxed or canonical MongoDB Extended JSON, one a
// line or as one array (--jsonArray), mapped field by field, and checked whole before anything
// is written. UUIDs and salts are kept, so every original job token still validates; what pjm
// has no column for is reported and handed back to be kept aside, never dropped unsaid.
#pragma once

#include "core/job.hpp"
#include "store/database.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::store {

// One input: its name (for the report) and its whole text.
struct DatacatalogFile {
    std::string name;
    std::string text;
};

struct DatacatalogRefusal {
    std::string where; // "jobs.json, document 3"
    std::string id;    // the document's _id, or its uuid, or "?"
    std::string reason;
};

// The fields of one document that pjm keeps no column for, as they were.
struct DatacatalogAside {
    std::string kind; // "job" or "pipeline"
    std::string uuid;
    std::string id; // _id
    nlohmann::json fields;
};

struct DatacatalogReport {
    std::size_t documents = 0;
    std::size_t pipelines_new = 0, pipelines_present = 0;
    std::size_t jobs_new = 0, jobs_present = 0;
    std::size_t events = 0; // history entries of the new jobs
    std::size_t hidden = 0; // new jobs that were deleted (_visible false) in the original
    std::vector<DatacatalogRefusal> refused;
    std::map<std::string, std::size_t> aside_fields; // field name -> documents that have it
    std::vector<DatacatalogAside> aside;
    bool written = false;
};

// Thrown when an input is not Extended JSON documents at all (nothing is written).
class DatacatalogError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// MongoDB Extended JSON (relaxed or canonical) as plain JSON: $date as RFC 3339 with
// milliseconds, $oid as its hex text, $numberInt/$numberLong as integers, $numberDouble as a
// number ("NaN" and the infinities as text), $numberDecimal as text, $uuid and UUID $binary
// (subtypes 3 and 4) as UUID text. Throws DatacatalogError for a $-type it does not know.
nlohmann::json from_extended_json(const nlohmann::json& value);

// Reads and checks every document of `files`; then, unless `dry_run`, or some document was
// refused and not `skip_invalid`, writes the new pipelines and jobs in one transaction
// (present ones are left as they are, so a second import changes nothing).
// `storage` null: a database that does not exist yet (a dry run only; nothing is present).
DatacatalogReport import_datacatalog(Database* storage, const std::vector<DatacatalogFile>& files,
                                     bool dry_run, bool skip_invalid);

} // namespace pjm::store
