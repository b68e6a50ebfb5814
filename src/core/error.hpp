// Error kinds of the domain and the one table that maps them to exit codes and HTTP statuses.
#pragma once

#include <string>
#include <string_view>

namespace pjm::core {

enum class ErrorKind {
    ok,
    internal,
    usage,
    invalid,
    not_found,
    unauthorized,
    conflict,
    remote,
    storage,
    queued,
};

struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string message;
};

// Exit code for a kind (docs/protocol.md#exit-codes).
int exit_code(ErrorKind kind);
// The kind an exit code stands for (internal for codes outside the table).
ErrorKind kind_for_exit_code(int code);
// HTTP status for a kind, used by pjm serve (docs/protocol.md#exit-codes).
int http_status(ErrorKind kind);
// Stable lower-case name used in JSON error documents ("invalid", "not_found", ...).
std::string_view kind_name(ErrorKind kind);

// How bad an outcome is, for a command that handles many messages and exits with the worst
// (pjm event --batch). From least to worst:
//   ok (0) < queued (75) < conflict (6) < not_found (4) < unauthorized (5) < invalid (3)
//          < remote (7) < storage (8) < usage (2) < internal (1)
// A queued message is safe and goes later by itself; a refusal (3-6) is final and needs a
// person, the input's own faults (3) most, a state race (6) least; a message neither applied
// nor kept (7, 8) is lost unless the run is repeated; usage and internal errors mean pjm
// itself could not do what was asked.
int severity(ErrorKind kind);
// The worse of two outcomes by that order.
ErrorKind worse(ErrorKind a, ErrorKind b);

} // namespace pjm::core
