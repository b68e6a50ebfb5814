// pjm export: the whole job database as NDJSON (store/transfer.hpp), to a file created readable
// by its owner only, or to standard output; with --format ro-crate or prov-json, the
// provenance of the jobs named (export_provenance.cpp).
#include "cli/commands/commands.hpp"
#include "cli/commands/export_provenance.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/file_output.hpp"
#include "cli/output.hpp"
#include "core/storage.hpp"
#include "core/timefmt.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

#include <filesystem>
#include <iostream>

namespace pjm::cli {

namespace {

struct ExportArgs {
    std::string format = "ndjson";
    std::vector<std::string> jobs;
    std::string output;
    bool force = false;
};

// The export holds every job's salt and the admin secret: owner only, from the start.
store::TransferCounts export_to_file(store::Database& storage, const std::string& path, bool force,
                                     const std::string& now) {
    store::TransferCounts counts;
    write_file_whole(path, force, 0600,
                     [&](std::ostream& out) { counts = store::export_ndjson(storage, out, now); });
    return counts;
}

int run_export(Context& ctx, const ExportArgs& a) {
    if (a.format != "ndjson")
        return run_provenance_export(ctx, {a.format, a.jobs, a.output, a.force});
    if (!a.jobs.empty())
        usage_error("the NDJSON export is the whole database; to describe jobs, give "
                    "--format ro-crate or --format prov-json");
    store::Database& storage = ctx.database();
    std::string now = core::rfc3339_ms(ctx.clock.now_ms());
    bool to_stdout = a.output.empty() || a.output == "-";
    if (to_stdout && ctx.flags.json)
        usage_error("the export itself goes to standard output; --json (a summary) needs "
                    "--output FILE");
    store::TransferCounts c;
    try {
        if (to_stdout) {
            c = store::export_ndjson(storage, std::cout, now);
            ctx.trace("exported " + std::to_string(c.jobs) + " jobs");
            return 0;
        }
        c = export_to_file(storage, a.output, a.force, now);
    } catch (const std::filesystem::filesystem_error& e) {
        throw CliError(core::ErrorKind::storage, e.what());
    }
    if (ctx.flags.json) {
        print_json({{"file", a.output},
                    {"settings", c.settings},
                    {"pipelines", c.pipelines},
                    {"jobs", c.jobs},
                    {"events", c.events},
                    {"claims", c.claims}});
    } else {
        std::cout << "exported " << c.pipelines << " pipelines, " << c.jobs << " jobs (" << c.events
                  << " events) and " << c.settings << " settings to " << a.output
                  << " (readable by you only: it holds every job's salt and the admin secret)\n";
    }
    return 0;
}

} // namespace

void add_export_command(Command& root, Context& ctx) {
    auto args = std::make_shared<ExportArgs>();
    auto& sub = root.sub("export",
                         "Write the whole job database (pipelines, jobs with full history, salts, "
                         "settings) as NDJSON: a backup, and the way to move between backends; "
                         "or jobs' provenance as an RO-Crate or PROV-JSON");
    sub.option("jobs", args->jobs,
               "With --format ro-crate or prov-json: the jobs to describe (UUID, or a prefix of "
               "6+ characters)")
        .type_name("JOB");
    sub.option("--format", args->format,
               "ndjson (default: the whole database), ro-crate (a Process Run Crate 0.5) or "
               "prov-json (W3C PROV-JSON)")
        .type_name("FORMAT")
        .one_of({"ndjson", "ro-crate", "prov-json"});
    sub.option("-o,--output", args->output,
               "File to write (ndjson: created readable by its owner only); ro-crate: a folder "
               "to hold ro-crate-metadata.json, or a name ending in .zip; default: stdout")
        .type_name("PATH");
    sub.flag("--force", args->force, "Replace the --output file if it exists");
    sub.footer(
        examples({
            "pjm --db /scratch/pjm/jobs.db export --output jobs.ndjson",
            "pjm --db /scratch/pjm/jobs.db export -o jobs.ndjson && "
            "pjm --db postgresql://db.example.org/pjm import jobs.ndjson",
            "pjm --db postgresql://db.example.org/pjm export | gzip > pjm-$(date +%F).ndjson.gz",
            "pjm --local export --format ro-crate 1073f4ff -o run-crate/",
            "pjm --local export --format ro-crate 1073f4ff 1078e2a1 -o runs.zip",
            "pjm --local export --format prov-json 1073f4ff > job.prov.json",
        }) +
        "\n\nThe export is a backup: it holds every job's salt (job tokens derive from it) "
        "and the\ndatabase's admin secret. Keep it as private as the database. The provenance "
        "formats hold\nno secret: the job's fields, data and history (docs/provenance.md).");
    sub.on_run([&ctx, args] { return run_export(ctx, *args); });
}

} // namespace pjm::cli
