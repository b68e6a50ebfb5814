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

// Exit code of SPEC §7 for a kind.
int exit_code(ErrorKind kind);
// The kind an exit code stands for (internal for codes outside the table).
ErrorKind kind_for_exit_code(int code);
// HTTP status of SPEC §6 for a kind (used by pjm serve).
int http_status(ErrorKind kind);
// Stable lower-case name used in JSON error documents ("invalid", "not_found", ...).
std::string_view kind_name(ErrorKind kind);

} // namespace pjm::core
