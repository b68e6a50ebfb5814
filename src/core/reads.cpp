#include "core/reads.hpp"

#include "core/timefmt.hpp"
#include "util/printable.hpp"

#include <charconv>
#include <limits>
#include <optional>
#include <tuple>

namespace pjm::core {

std::string quoted_value(std::string_view value) {
    constexpr std::size_t k_max = 64;
    std::string shown =
        util::printable(value.substr(0, k_max), util::Newlines::escape, util::Bytes::ascii);
    return "'" + shown + (value.size() > k_max ? "…'" : "'");
}

Error not_a_job_uuid(std::string_view text) {
    return {ErrorKind::invalid,
            quoted_value(text) + " is not a job UUID (107xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"};
}

Error not_a_pipeline_uuid(std::string_view text) {
    return {ErrorKind::invalid,
            quoted_value(text) + " is not a pipeline UUID (106xxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"};
}

Error job_not_found(std::string_view uuid) {
    return {ErrorKind::not_found, "job " + std::string(uuid) +
                                      " not found (never created here, or force-deleted); check "
                                      "the UUID with 'pjm list'"};
}

Result<Job> read_job(Storage& storage, const std::string& uuid, const HistoryWindow& window) {
    if (!is_typed_uuid(uuid, UuidType::job)) {
        Error e = not_a_job_uuid(uuid);
        return Result<Job>::fail(e.kind, e.message);
    }
    auto job = storage.get_job(uuid, window);
    if (!job) {
        Error e = job_not_found(uuid);
        return Result<Job>::fail(e.kind, e.message);
    }
    return {ErrorKind::ok, {}, std::move(*job)};
}

namespace {

// A whole number in [min, max] from text; nothing when it is not one.
std::optional<std::int64_t> whole_number(const std::string& text, std::int64_t min,
                                         std::int64_t max) {
    std::int64_t n = 0;
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(text.data(), end, n);
    if (ec != std::errc() || stop != end || n < min || n > max) return std::nullopt;
    return n;
}

} // namespace

Result<HistoryWindow> parse_history_query(const HistoryQuery& q) {
    using R = Result<HistoryWindow>;
    HistoryWindow w;
    w.limit = k_history_page;
    w.max_bytes = k_history_page_bytes;
    if (!q.history.empty()) {
        auto n = whole_number(q.history, 0, static_cast<std::int64_t>(k_history_page_max));
        if (!n)
            return R::fail(ErrorKind::invalid,
                           "history must be a whole number of entries from 0 to " +
                               std::to_string(k_history_page_max) + ", not " +
                               quoted_value(q.history));
        w.limit = static_cast<std::size_t>(*n);
    }
    if (!q.before.empty()) {
        auto n = whole_number(q.before, 1, std::numeric_limits<std::int64_t>::max());
        if (!n)
            return R::fail(ErrorKind::invalid,
                           "before must be a history entry's number (a positive whole number, "
                           "as in history_start), not " +
                               quoted_value(q.before));
        w.before = *n;
    }
    return {ErrorKind::ok, {}, w};
}

Result<JobFilter> parse_job_query(const JobQuery& q) {
    using R = Result<JobFilter>;
    JobFilter filter;
    if (!q.state.empty()) {
        filter.state = parse_state(q.state);
        if (!filter.state) {
            std::string states;
            for (auto s : all_states())
                states += " " + std::string(to_string(s));
            return R::fail(ErrorKind::invalid,
                           "unknown state " + quoted_value(q.state) + "; states:" + states);
        }
    }
    if (!q.pipeline.empty()) {
        if (!is_typed_uuid(q.pipeline, UuidType::pipeline)) {
            Error e = not_a_pipeline_uuid(q.pipeline);
            return R::fail(e.kind, "pipeline: " + e.message);
        }
        filter.pipeline_uuid = q.pipeline;
    }
    filter.limit = k_list_page;
    if (!q.limit.empty()) {
        std::size_t n = 0;
        const char* end = q.limit.data() + q.limit.size();
        auto [stop, ec] = std::from_chars(q.limit.data(), end, n);
        if (ec != std::errc() || stop != end || n == 0 || n > k_list_page_max)
            return R::fail(ErrorKind::invalid, "limit must be a whole number from 1 to " +
                                                   std::to_string(k_list_page_max) +
                                                   " (a page; the cursor gives the "
                                                   "next), not " +
                                                   quoted_value(q.limit));
        filter.limit = n;
    }
    if (!q.cursor.empty()) {
        auto comma = q.cursor.find(',');
        std::string updated = q.cursor.substr(0, comma);
        std::string uuid = comma == std::string::npos ? "" : q.cursor.substr(comma + 1);
        auto ms = parse_rfc3339_ms(updated);
        if (!ms || !is_typed_uuid(uuid, UuidType::job))
            return R::fail(ErrorKind::invalid,
                           "cursor must be UPDATED,UUID (the last job of the page before: its "
                           "updated time and uuid), not " +
                               quoted_value(q.cursor));
        filter.after_updated = rfc3339_ms(*ms);
        filter.after_uuid = uuid;
    }
    for (auto [text, into, name] : {std::tuple{&q.since, &filter.since, "since"},
                                    std::tuple{&q.until, &filter.until, "until"}}) {
        if (text->empty()) continue;
        auto ms = parse_rfc3339_ms(*text);
        if (!ms)
            return R::fail(ErrorKind::invalid, std::string(name) +
                                                   " must be an RFC 3339 time in UTC such as "
                                                   "2026-12-01T00:00:00Z, not " +
                                                   quoted_value(*text));
        *into = rfc3339_ms(*ms);
    }
    filter.include_hidden = q.all;
    return {ErrorKind::ok, {}, filter};
}

std::string next_cursor(const Job& last) {
    return last.updated + "," + last.uuid;
}

Result<Pipeline> register_pipeline(Storage& storage, const UuidFactory& uuids,
                                   const std::string& name, const std::string& uuid,
                                   const std::string& description, const Clock& clock) {
    using R = Result<Pipeline>;
    if (name.empty()) return R::fail(ErrorKind::invalid, "a pipeline's name must not be empty");
    Pipeline p{uuid.empty() ? uuids.pipeline_uuid(name) : uuid, name, description,
               rfc3339_ms(clock.now_ms())};
    if (!is_typed_uuid(p.uuid, UuidType::pipeline)) {
        Error e = not_a_pipeline_uuid(p.uuid);
        return R::fail(e.kind, e.message);
    }
    if (storage.add_pipeline(p)) return {ErrorKind::ok, {}, std::move(p)};
    // Registering the same pipeline again is a no-op that answers with the one registered, so
    // a setup script can run twice; a different one under the same UUID is a conflict.
    auto existing = storage.get_pipeline(p.uuid);
    if (!existing) return R::fail(ErrorKind::conflict, "pipeline " + p.uuid + " already exists");
    if (existing->name == p.name && existing->description == p.description)
        return {ErrorKind::ok, {}, std::move(*existing)};
    std::string differs = existing->name != p.name
                              ? "under the name " + quoted_value(existing->name)
                              : "with the description " + quoted_value(existing->description);
    return R::fail(ErrorKind::conflict,
                   "pipeline " + p.uuid + " is already registered " + differs +
                       "; registering it again needs the same name and description (or give "
                       "another --name or --uuid for a different pipeline)");
}

} // namespace pjm::core
