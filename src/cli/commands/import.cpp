// pjm import: load what pjm export wrote into the configured database (store/transfer.hpp).
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "core/storage.hpp"
#include "store/datacatalog.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pjm::cli {

namespace {

struct ImportArgs {
    std::vector<std::string> files;
    std::string file; // the one file of a pjm export
    std::string from = "pjm";
    bool keep_settings = false;
    bool dry_run = false;
    bool skip_invalid = false;
    std::string aside;
};

std::string read_all(const std::string& name) {
    if (name == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin),
                           std::istreambuf_iterator<char>());
    std::ifstream in(name, std::ios::binary);
    if (!in) usage_error("cannot read " + name + ": " + std::strerror(errno));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// pjm import --from datacatalog (docs/migration.md): the original manager's collections.
int run_datacatalog_import(Context& ctx, const ImportArgs& a) {
    std::vector<store::DatacatalogFile> files;
    for (const auto& name : a.files)
        files.push_back({name == "-" ? "standard input" : name, read_all(name)});
    // A dry run makes no database: one that does not exist yet holds nothing.
    std::string url = ctx.settings.get_or("database", default_database_path());
    bool missing = url.find("://") == std::string::npos && !std::filesystem::exists(url);
    store::DatacatalogReport r;
    try {
        r = store::import_datacatalog(missing ? nullptr : &ctx.database(store::Create::no), files,
                                      true, false);
        bool aside_needed = !r.aside.empty() && a.aside.empty();
        bool refused = !r.refused.empty() && !a.skip_invalid;
        if (!a.dry_run && !aside_needed && !refused) {
            if (!r.aside.empty()) {
                std::ofstream out(a.aside, std::ios::binary | std::ios::trunc);
                if (!out)
                    usage_error("cannot write --aside " + a.aside + ": " + std::strerror(errno));
                for (const auto& x : r.aside)
                    out << nlohmann::json{{"kind", x.kind},
                                          {"uuid", x.uuid},
                                          {"_id", x.id},
                                          {"fields", x.fields}}
                               .dump()
                        << '\n';
                if (!out.flush()) usage_error("writing --aside " + a.aside + " failed");
            }
            r = store::import_datacatalog(&ctx.database(store::Create::yes), files, false,
                                          a.skip_invalid);
        }
    } catch (const store::DatacatalogError& e) {
        throw CliError(core::ErrorKind::invalid, e.what());
    }
    nlohmann::json refused = nlohmann::json::array();
    for (const auto& x : r.refused)
        refused.push_back({{"where", x.where}, {"_id", x.id}, {"reason", x.reason}});
    nlohmann::json aside = nlohmann::json::object();
    for (const auto& [field, count] : r.aside_fields)
        aside[field] = count;
    if (ctx.flags.json) {
        print_json({{"documents", r.documents},
                    {"written", r.written},
                    {"new",
                     {{"pipelines", r.pipelines_new},
                      {"jobs", r.jobs_new},
                      {"events", r.events},
                      {"hidden_jobs", r.hidden}}},
                    {"present", {{"pipelines", r.pipelines_present}, {"jobs", r.jobs_present}}},
                    {"refused", refused},
                    {"aside", aside}});
    } else {
        std::cout << (r.written ? "imported " : "would import ") << r.pipelines_new
                  << " pipelines and " << r.jobs_new << " jobs (" << r.events << " events, "
                  << r.hidden << " of the jobs deleted) from " << r.documents << " documents";
        if (r.pipelines_present || r.jobs_present)
            std::cout << "; already present and left as they are: " << r.pipelines_present
                      << " pipelines, " << r.jobs_present << " jobs";
        std::cout << '\n';
        for (const auto& x : r.refused)
            std::cout << "refused: " << x.where << " (_id " << x.id << "): " << x.reason << '\n';
        for (const auto& [field, count] : r.aside_fields)
            std::cout << "kept aside: " << field << " (" << count << " documents)"
                      << (r.written && !a.aside.empty() ? " in " + a.aside : "") << '\n';
    }
    if (!r.refused.empty() && !a.skip_invalid && !a.dry_run)
        throw CliError(core::ErrorKind::invalid,
                       std::to_string(r.refused.size()) +
                           " documents cannot be imported (listed above); nothing was written. "
                           "Fix them, or give --skip-invalid to import the rest");
    if (!r.aside.empty() && a.aside.empty() && !a.dry_run)
        usage_error("some fields have no column in pjm (listed above): give --aside FILE to "
                    "keep them there; nothing was written");
    return 0;
}

int run_import(Context& ctx, ImportArgs a) {
    if (a.from == "datacatalog") return run_datacatalog_import(ctx, a);
    if (a.files.size() != 1)
        usage_error("a pjm export is one file; --from datacatalog reads several");
    if (a.dry_run || a.skip_invalid || !a.aside.empty())
        usage_error("--dry-run, --skip-invalid and --aside go with --from datacatalog");
    a.file = a.files.front();
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
                      {"events", r.imported.events},
                      {"claims", r.imported.claims}}},
                    {"present", {{"pipelines", r.pipelines_present}, {"jobs", r.jobs_present}}}});
        return 0;
    }
    std::cout << "imported " << r.imported.pipelines << " pipelines, " << r.imported.jobs
              << " jobs (" << r.imported.events << " events";
    if (r.imported.claims) std::cout << ", " << r.imported.claims << " scheduler claims";
    std::cout << ") and " << r.imported.settings << " settings";
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
    sub.option("files", args->files,
               "The export to read, or - for standard input (with --from datacatalog: one or "
               "more mongoexport files)")
        .required();
    sub.option("--from", args->from,
               "What the files are: pjm (a pjm export) or datacatalog (mongoexport of the "
               "original manager's jobs and pipelines collections; docs/migration.md)")
        .one_of({"pjm", "datacatalog"})
        .show_default();
    sub.flag("--keep-settings", args->keep_settings,
             "Keep the database's own settings (its admin secret) instead of the file's");
    sub.flag("--dry-run", args->dry_run,
             "With --from datacatalog: report what would be imported, refused and kept aside; "
             "write nothing");
    sub.flag("--skip-invalid", args->skip_invalid,
             "With --from datacatalog: import the documents that can be, and list the others");
    sub.option("--aside", args->aside,
               "With --from datacatalog: NDJSON file for the fields pjm has no column for "
               "(needed when a document has some)")
        .type_name("FILE");
    sub.footer(examples({
                   "pjm --db postgresql://db.example.org/pjm import jobs.ndjson",
                   "pjm --db /scratch/pjm/restored.db import jobs.ndjson",
                   "gunzip -c pjm-2026-11-28.ndjson.gz | pjm --db /scratch/pjm/jobs.db import -",
                   "pjm import --from datacatalog --dry-run jobs.json pipelines.json",
                   "pjm import --from datacatalog --aside aside.ndjson jobs.json pipelines.json",
               }) +
               "\n\nThe file is checked whole before anything is written: a truncated or malformed "
               "export\nchanges nothing.");
    sub.on_run([&ctx, args] { return run_import(ctx, *args); });
}

} // namespace pjm::cli
