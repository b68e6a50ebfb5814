// Files a command writes for the operator (pjm export's): whole or not at all.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <sys/types.h>

namespace pjm::cli {

// Writes `path` through a temporary file in the same folder, created new with `mode` (so a
// secret is never readable by others, even for a moment), flushed to disk and renamed into
// place: a failed write never leaves a partial file under the name asked for. A path that
// exists already is a usage error unless `force`; a write that fails throws a storage
// CliError naming the path.
void write_file_whole(const std::string& path, bool force, mode_t mode,
                      const std::function<void(std::ostream&)>& write);

} // namespace pjm::cli
