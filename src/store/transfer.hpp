// `pjm export` / `pjm import`: a whole job database as NDJSON, one record a line, so a site can
// move between backends (SQLite file ⇄ PostgreSQL) and back without losing anything. It is a
// backup: it holds every job's salt (from which job tokens derive) and the database's own
// admin secret, so it must be kept as private as the database.
//
// Lines, in order:
//   {"format": "pjm-export", "version": 1, "exported": TIME, "database": WHERE}
//   {"type": "setting", "key": K, "value": V}                        (the database's settings)
//   {"type": "pipeline", "uuid": …, "name": …, "description": …, "created": …}
//   {"type": "job", …the job document…, "salt": …, "history": […every entry…],
//    "claims": [{"key": "slurm:4242", "cluster": … or null, "claimed": TIME}, …]}
//                   (the scheduler jobs its run entries claimed; left out when none)
//   {"type": "end", "settings": N, "pipelines": N, "jobs": N, "events": N, "claims": N}
// The last line lets an import tell a complete file from a truncated one.
#pragma once

#include "store/database.hpp"

#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

namespace pjm::store {

struct TransferCounts {
    std::size_t settings = 0;
    std::size_t pipelines = 0;
    std::size_t jobs = 0;
    std::size_t events = 0;
    std::size_t claims = 0; // scheduler claims (counted in the end record too)
};

// Writes the database to `out`: every pipeline, every job (hidden ones too) with its whole
// history. Each job is read in one consistent snapshot; a job removed meanwhile is left out.
TransferCounts export_ndjson(Database& storage, std::ostream& out, const std::string& exported_at);

struct ImportReport {
    TransferCounts imported;
    std::size_t pipelines_present = 0; // already in the database, left as they were
    std::size_t jobs_present = 0;
};

// Thrown for a file that is not a complete, well-formed export; nothing was imported.
class ImportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads an export twice: first every line is checked (a malformed or truncated file changes
// nothing: ImportError), then the records are written, jobs in batches of one transaction
// each. Pipelines and jobs already present are left as they are and counted. The settings in
// the file replace the database's own unless `keep_settings`.
ImportReport import_ndjson(Database& storage,
                           const std::function<std::unique_ptr<std::istream>()>& open,
                           bool keep_settings);

} // namespace pjm::store
