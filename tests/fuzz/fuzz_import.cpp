// libFuzzer target: `pjm import` (store::import_ndjson) on bytes that claim to be an export.
//
// One SQLite database for the whole run, holding one pipeline; each input is imported into it.
// Invariants besides "no crash, no leak, no sanitizer report": only ImportError (or, for a
// record the store cannot convert, StorageError) is thrown; a refused file changes nothing
// (the database's export is byte for byte the same); an imported file is imported again
// without adding anything; every job the database then holds passes the checks a file must
// pass (it could be exported and imported into an empty database).
#include "fuzz_database.hpp"
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
    fuzz::bug("fuzz_import", what);
}

struct World : fuzz::FuzzDatabase {
    World() : fuzz::FuzzDatabase("fuzz_import") {}
};

World& world() {
    static World w;
    return w;
}

store::ImportReport import(World& w, std::string_view text) {
    std::string copy(text);
    return store::import_ndjson(
        *w.db, [&copy] { return std::make_unique<std::istringstream>(copy); }, true);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string before = w.exported();
    bool imported = false;
    try {
        import(w, text);
        imported = true;
    } catch (const store::ImportError&) {
    } catch (const core::StorageError&) {
    } catch (const std::exception& e) {
        bug(std::string("an unexpected exception: ") + e.what());
    }
    std::string after = w.exported();
    if (!imported) {
        if (after != before) bug("a refused file changed the database");
        return 0;
    }
    // Imported: again adds nothing, and what the database holds now is a valid export.
    store::ImportReport again;
    try {
        again = import(w, text);
    } catch (const std::exception& e) {
        bug(std::string("a file imported once is refused the second time: ") + e.what());
    }
    if (again.imported.jobs != 0 || again.imported.pipelines != 0)
        bug("importing the same file twice added something");
    World fresh_world_check = World();
    try {
        import(fresh_world_check, after);
    } catch (const std::exception& e) {
        bug(std::string("the database's own export is refused: ") + e.what());
    }
    return 0;
}
