// `pjm export --format ro-crate|prov-json JOB…`: jobs' provenance (docs/provenance.md), read
// from the database and written to standard output, a file, a crate folder or a crate zip.
#pragma once

#include <string>
#include <vector>

namespace pjm::cli {

class Context;

struct ProvenanceExport {
    std::string format; // "ro-crate" or "prov-json"
    std::vector<std::string> jobs;
    std::string output; // "" or "-": standard output
    bool force = false;
};

int run_provenance_export(Context& ctx, const ProvenanceExport& a);

} // namespace pjm::cli
