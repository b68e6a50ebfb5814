// pjm import: load what pjm export wrote into the configured database (store/transfer.hpp).
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/storage.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pjm::cli {

namespace {

struct ImportArgs {
    std::string file;
    bool keep_settings = false;
};

int run_import(Context& ctx, const ImportArgs& a) {
    // The file is read twice (checked, then loaded); standard input is kept in memory.
    auto text = std::make_shared<std::string>();
    if (a.file == "-")
        text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    auto open = [&]() -> std::unique_ptr<std::istream> {
        if (a.file == "-") return std::make_unique<std::istringstream>(*text);
        auto in = std::make_unique<std::ifstream>(a.file, std::ios::binary);
        if (!*in) usage_error("cannot read " + a.file + ": " + std::strerror(errno));
        return in;
    };
    open(); // an unreadable file is a usage error before any database is touched
    store::ImportReport r;
    try {
        r = store::import_ndjson(ctx.database(store::Create::yes), open, a.keep_settings);
    } catch (const store::ImportError& e) {
        throw CliError(core::ErrorKind::invalid, (a.file == "-" ? "standard input" : a.file) +
                                                     " is not a complete pjm export: " + e.what());
    }
    if (ctx.flags.json) {
        print_json({{"imported",
                     {{"settings", r.imported.settings},
                      {"pipelines", r.imported.pipelines},
                      {"jobs", r.imported.jobs},
                      {"events", r.imported.events}}},
                    {"present", {{"pipelines", r.pipelines_present}, {"jobs", r.jobs_present}}}});
        return 0;
    }
    std::cout << "imported " << r.imported.pipelines << " pipelines, " << r.imported.jobs
              << " jobs (" << r.imported.events << " events) and " << r.imported.settings
              << " settings";
    if (r.pipelines_present || r.jobs_present)
        std::cout << "; already present and left as they were: " << r.pipelines_present
                  << " pipelines, " << r.jobs_present << " jobs";
    std::cout << '\n';
    return 0;
}

} // namespace

void add_import_command(Command& root, Context& ctx) {
    auto args = std::make_shared<ImportArgs>();
    auto& sub = root.sub("import",
                         "Load a pjm export (NDJSON) into the database; jobs and pipelines it has "
                         "already are left as they are");
    sub.option("file", args->file, "The export to read, or - for standard input").required();
    sub.flag("--keep-settings", args->keep_settings,
             "Keep the database's own settings (its admin secret) instead of the file's");
    sub.footer(examples({
                   "pjm --db postgresql://db.example.org/pjm import jobs.ndjson",
                   "pjm --db /scratch/pjm/restored.db import jobs.ndjson",
                   "gunzip -c pjm-2026-11-28.ndjson.gz | pjm --db /scratch/pjm/jobs.db import -",
               }) +
               "\n\nThe file is checked whole before anything is written: a truncated or malformed "
               "export\nchanges nothing.");
    sub.on_run([&ctx, args] { return run_import(ctx, *args); });
}

} // namespace pjm::cli
