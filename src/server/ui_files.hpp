// The dashboard's files (src/server/ui/ and the lifecycle picture docs/lifecycle.svg), carried
// by the server module: cmake/embed_files.cmake writes ui_files() at build time, so the page
// needs nothing from disk or the network.
#pragma once

#include <span>
#include <string_view>

namespace pjm::server {

struct UiFile {
    const char* name; // "index.html", "app.js", …
    std::string_view bytes;
};

std::span<const UiFile> ui_files();

} // namespace pjm::server
