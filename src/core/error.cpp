#include "core/error.hpp"

#include <array>

namespace pjm::core {

namespace {

struct KindRow {
    ErrorKind kind;
    std::string_view name;
    int exit_code;
    int http_status;
    int severity; // the order of error.hpp's severity(): higher is worse
};

constexpr std::array k_kinds = {
    KindRow{ErrorKind::ok, "ok", 0, 200, 0},
    KindRow{ErrorKind::internal, "internal", 1, 500, 9},
    KindRow{ErrorKind::usage, "usage", 2, 400, 8},
    KindRow{ErrorKind::invalid, "invalid", 3, 400, 5},
    KindRow{ErrorKind::not_found, "not_found", 4, 404, 3},
    KindRow{ErrorKind::unauthorized, "unauthorized", 5, 403, 4},
    KindRow{ErrorKind::conflict, "conflict", 6, 409, 2},
    KindRow{ErrorKind::remote, "remote", 7, 502, 6},
    // 503: the manager's database failed (unreachable, locked, full) and nothing of the message
    // was saved; a client retries later, then queues it (exit 75) rather than dropping it.
    KindRow{ErrorKind::storage, "storage", 8, 503, 7},
    KindRow{ErrorKind::queued, "queued", 75, 202, 1},
};

const KindRow& row(ErrorKind kind) {
    for (const auto& r : k_kinds)
        if (r.kind == kind) return r;
    return k_kinds[1];
}

} // namespace

int exit_code(ErrorKind kind) {
    return row(kind).exit_code;
}
ErrorKind kind_for_exit_code(int code) {
    for (const auto& r : k_kinds)
        if (r.exit_code == code) return r.kind;
    return ErrorKind::internal;
}
int http_status(ErrorKind kind) {
    return row(kind).http_status;
}
std::string_view kind_name(ErrorKind kind) {
    return row(kind).name;
}
int severity(ErrorKind kind) {
    return row(kind).severity;
}
ErrorKind worse(ErrorKind a, ErrorKind b) {
    return severity(b) > severity(a) ? b : a;
}

} // namespace pjm::core
