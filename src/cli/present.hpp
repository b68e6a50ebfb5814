// Printing what became of a message (a Delivery), the same way whichever door it went through:
// with --json one document of one shape (docs/json-output.md), otherwise a line or two of text.
#pragma once

#include "cli/door.hpp"

#include <nlohmann/json.hpp>

namespace pjm::cli {

class Context;

// The --json document of a delivered, queued or dry-run message. Every key is always there.
nlohmann::json delivery_document(const Delivery& d);

// Prints `d` (errors on stderr, and as {"error": …} with --json) and returns its exit code.
int present(const Context& ctx, const Delivery& d);

} // namespace pjm::cli
