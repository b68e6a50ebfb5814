#include "cli/commands/export_provenance.hpp"

#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/file_output.hpp"
#include "cli/output.hpp"
#include "core/lookup.hpp"
#include "core/provenance/prov_json.hpp"
#include "core/provenance/ro_crate.hpp"
#include "core/timefmt.hpp"
#include "util/zip_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace pjm::cli {

namespace {

namespace fs = std::filesystem;

// A provenance document holds no secret: readable as the umask allows.
void write_whole(const std::string& path, const std::string& bytes, bool force) {
    write_file_whole(path, force, 0666, [&](std::ostream& out) { out << bytes; });
}

// The jobs named, each read whole, in the order given (a job named twice once).
std::vector<core::provenance::RunRecord> read_records(Context& ctx,
                                                      const std::vector<std::string>& names) {
    core::Storage& storage = ctx.storage();
    std::vector<std::string> uuids;
    for (const auto& name : names) {
        auto uuid = core::resolve_job(storage, name);
        if (!uuid.ok()) throw CliError(uuid.kind, uuid.message);
        if (std::find(uuids.begin(), uuids.end(), uuid.value) == uuids.end())
            uuids.push_back(uuid.value);
    }
    std::vector<core::provenance::RunRecord> out;
    for (const auto& uuid : uuids) {
        auto r = core::provenance::read_run_record(storage, uuid);
        if (!r.ok()) throw CliError(r.kind, r.message);
        out.push_back(std::move(r.value));
    }
    return out;
}

// Where the crate goes: a folder holding ro-crate-metadata.json, or a .zip of it.
std::string write_crate(const std::string& output, const std::string& metadata,
                        const std::string& published, bool force) {
    if (output.ends_with(".zip")) {
        auto ms = core::parse_rfc3339_ms(published);
        std::time_t when = ms ? static_cast<std::time_t>(*ms / 1000) : 0;
        std::string bytes = util::zip_archive({{"ro-crate-metadata.json", metadata}}, when);
        write_whole(output, bytes, force);
        return output;
    }
    std::error_code ec;
    if (fs::exists(output, ec) && !fs::is_directory(output, ec))
        usage_error(output +
                    " is a file; a crate is written to a folder (or a name ending in .zip)");
    if (!fs::exists(output, ec)) {
        fs::create_directory(output, ec);
        if (ec)
            throw CliError(core::ErrorKind::storage,
                           "cannot make the folder " + output + ": " + ec.message());
    }
    std::string file = (fs::path(output) / "ro-crate-metadata.json").string();
    write_whole(file, metadata, force);
    return file;
}

} // namespace

int run_provenance_export(Context& ctx, const ProvenanceExport& a) {
    if (a.jobs.empty())
        usage_error("--format " + a.format +
                    " describes jobs: name one or more (UUID or a prefix "
                    "of 6+ characters); `pjm list` shows them");
    bool to_stdout = a.output.empty() || a.output == "-";
    if (to_stdout && ctx.flags.json)
        usage_error("the document itself goes to standard output; --json (a summary) needs "
                    "--output");
    auto records = read_records(ctx, a.jobs);
    nlohmann::json doc = a.format == "ro-crate" ? core::provenance::ro_crate_metadata(records)
                                                : core::provenance::prov_document(records);
    std::string text = doc.dump(2) + "\n";
    if (to_stdout) {
        std::cout << text << std::flush;
        return 0;
    }
    std::string written;
    try {
        if (a.format == "ro-crate") {
            // The zip's files are dated as the crate is (its root's datePublished).
            written = write_crate(a.output, text,
                                  doc["@graph"][1].value("datePublished", std::string()), a.force);
        } else {
            write_whole(a.output, text, a.force);
            written = a.output;
        }
    } catch (const fs::filesystem_error& e) {
        throw CliError(core::ErrorKind::storage, e.what());
    }
    if (ctx.flags.json) {
        nlohmann::json uuids = nlohmann::json::array();
        for (const auto& r : records)
            uuids.push_back(r.job.uuid);
        print_json({{"file", written}, {"format", a.format}, {"jobs", uuids}});
    } else {
        std::cout << "wrote the " << (a.format == "ro-crate" ? "RO-Crate" : "PROV-JSON")
                  << " provenance of " << records.size() << (records.size() == 1 ? " job" : " jobs")
                  << " to " << written << "\n";
    }
    return 0;
}

} // namespace pjm::cli
