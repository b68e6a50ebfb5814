// pjm event --batch: event messages from NDJSON (a file or stdin), one per line, applied
// (local mode) or sent (client mode) in order, one at a time; every line reported, then a
// summary; the exit code is the worst line's (core::severity).
#pragma once

#include <string>

namespace pjm::cli {

class Context;

struct BatchOptions {
    std::string file;       // a path, or "-" for standard input
    std::string token;      // --token: the token of lines that carry none
    bool fail_fast = false; // stop after the first line that is not applied or sent
};

// Returns the exit code.
int run_event_batch(Context& ctx, const BatchOptions& options);

} // namespace pjm::cli
