// libFuzzer target: `pjm import --from datacatalog` (store::import_datacatalog) on bytes that
// claim to be mongoexport output of the original manager's collections.
//
// One SQLite database for the whole run, holding one pipeline; each input is imported into it
// with --skip-invalid. Invariants besides "no crash, no leak, no sanitizer report": only
// DatacatalogError (not Extended JSON documents at all) or StorageError is thrown; an import
// that writes nothing changes nothing (the database's export is byte for byte the same); an
// input imported once adds nothing the second time; and what the database then holds is a
// valid pjm export (pjm import takes it into an empty database), so the reader never writes a
// job pjm itself would refuse.
#include "fuzz_database.hpp"
#include "store/datacatalog.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using namespace pjm;

[[noreturn]] void bug(const std::string& what) {
    fuzz::bug("fuzz_datacatalog", what);
}

struct World : fuzz::FuzzDatabase {
    World() : fuzz::FuzzDatabase("fuzz_datacatalog") {}
};

World& world() {
    static World w;
    return w;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::vector<store::DatacatalogFile> files{
        {"fuzz.json", std::string(reinterpret_cast<const char*>(data), size)}};
    std::string before = w.exported();
    store::DatacatalogReport report;
    try {
        report = store::import_datacatalog(w.db.get(), files, false, true);
    } catch (const store::DatacatalogError&) {
    } catch (const core::StorageError&) {
    } catch (const std::exception& e) {
        bug(std::string("an unexpected exception: ") + e.what());
    }
    std::string after = w.exported();
    if (!report.written || (report.jobs_new == 0 && report.pipelines_new == 0)) {
        if (after != before) bug("an import that wrote nothing new changed the database");
        return 0;
    }
    store::DatacatalogReport again;
    try {
        again = store::import_datacatalog(w.db.get(), files, false, true);
    } catch (const std::exception& e) {
        bug(std::string("an input imported once is refused the second time: ") + e.what());
    }
    if (again.jobs_new != 0 || again.pipelines_new != 0)
        bug("importing the same input twice added something");
    if (w.exported() != after) bug("importing the same input twice changed the database");
    World fresh;
    try {
        store::import_ndjson(
            *fresh.db, [&after] { return std::make_unique<std::istringstream>(after); }, false);
    } catch (const std::exception& e) {
        bug(std::string("the database's own export is refused after a datacatalog import: ") +
            e.what());
    }
    return 0;
}
