// Reads and registrations every door shares: a job by UUID, job lists by filter, pipelines.
// Their checks and error texts live here once; local commands and pjm serve's routes call them.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/storage.hpp"
#include "core/typed_uuid.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pjm::core {

// A value or why there is none (the kind decides the exit code or HTTP status).
template <class T> struct Result {
    ErrorKind kind = ErrorKind::ok;
    std::string message;
    T value{};
    bool ok() const { return kind == ErrorKind::ok; }
    static Result fail(ErrorKind k, std::string why) { return {k, std::move(why), T{}}; }
};

// A value from a request quoted in an error: printable ASCII, cut at 64 bytes, so that what a
// caller sent cannot reach a terminal or a log as control bytes.
std::string quoted_value(std::string_view value);

// The refusals every door words the same way.
Error not_a_job_uuid(std::string_view text);
Error not_a_pipeline_uuid(std::string_view text);
Error job_not_found(std::string_view uuid);

// The job with the part of its history `window` asks for; invalid when `uuid` is not a job
// UUID, not_found when there is no such job (hidden jobs are shown: their document says
// "visible": false).
Result<Job> read_job(Storage& storage, const std::string& uuid, const HistoryWindow& window);

// A job read (`pjm status`, the jobs route) shows one page of its history: the newest
// k_history_page entries by default, at most k_history_page_max, and no more entries once
// their data reach k_history_page_bytes, so that one reply stays a few MiB however long the
// history grows (docs/protocol.md#history-pages).
inline constexpr std::size_t k_history_page = 100;
inline constexpr std::size_t k_history_page_max = 1000;
inline constexpr std::size_t k_history_page_bytes = 4u << 20;

// The history page a read asks for, as text from command-line options or URL parameters
// ("" means not given): `history`, the number of entries (0 to k_history_page_max); `before`,
// the number of the entry the page ends below (a positive whole number: the history_start of
// the page after it).
struct HistoryQuery {
    std::string history;
    std::string before;
};
Result<HistoryWindow> parse_history_query(const HistoryQuery& query);

// List filters as text, from command-line options or URL parameters; "" means not given.
struct JobQuery {
    std::string state;    // a state name, any case
    std::string pipeline; // a pipeline UUID
    std::string limit;    // a positive whole number, at most k_list_page_max
    bool all = false;     // hidden jobs too
    std::string cursor;   // "UPDATED,UUID": the page after that job (keyset paging)
    std::string since;    // RFC 3339: updated at or after
    std::string until;    // RFC 3339: updated before
};
// A job list is a page: k_list_page jobs unless a limit says otherwise, at most
// k_list_page_max, so a list's memory and reply stay bounded however many jobs match
// (docs/protocol.md#job-lists).
inline constexpr std::size_t k_list_page = 100;
inline constexpr std::size_t k_list_page_max = 10000;
Result<JobFilter> parse_job_query(const JobQuery& query);
// The cursor of the page after `last`, the last job of a page: "UPDATED,UUID".
std::string next_cursor(const Job& last);

// Registers a pipeline, its UUID derived from the name unless `uuid` is given, and returns it.
// Idempotent: when that UUID is registered already with the same name and description, the
// registered pipeline is returned (its created time unchanged); with another name or
// description it is a conflict. Invalid when the name is empty or the UUID is not a pipeline
// UUID.
Result<Pipeline> register_pipeline(Storage& storage, const UuidFactory& uuids,
                                   const std::string& name, const std::string& uuid,
                                   const std::string& description, const Clock& clock);

} // namespace pjm::core
