// What the import fuzz targets share: a throwaway SQLite database holding one pipeline, its
// export as text (to tell whether an input changed it), and the way a target stops when an
// invariant breaks.
#pragma once

#include "store/store.hpp"
#include "store/transfer.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

namespace pjm::fuzz {

[[noreturn]] inline void bug(const char* target, const std::string& what) {
    std::fprintf(stderr, "%s: invariant broken: %s\n", target, what.c_str());
    std::fflush(stderr);
    std::abort();
}

struct FuzzDatabase {
    explicit FuzzDatabase(const char* target) {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / ("pjm-" + std::string(target) + "-XXXXXX"))
                .string();
        if (!mkdtemp(tmpl.data())) bug(target, "mkdtemp failed in " + tmpl);
        dir = tmpl;
        db = store::open((dir / "pjm.db").string(), store::Create::yes);
        db->add_pipeline(
            {"106a0000-0000-5000-8000-000000000001", "fuzz", "", "2026-01-01T00:00:00.000Z"});
    }
    ~FuzzDatabase() {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    FuzzDatabase(const FuzzDatabase&) = delete;
    FuzzDatabase& operator=(const FuzzDatabase&) = delete;

    std::string exported() {
        std::ostringstream out;
        store::export_ndjson(*db, out, "2026-01-01T00:00:00.000Z");
        return out.str();
    }

    std::filesystem::path dir;
    std::unique_ptr<store::Database> db;
};

} // namespace pjm::fuzz
