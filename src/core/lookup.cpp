#include "core/lookup.hpp"

#include <algorithm>

namespace pjm::core {

namespace {

constexpr std::size_t k_listed = 5; // candidates named when a prefix is ambiguous

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace

std::optional<std::string> uuid_like(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::string low = lowercase(text);
    bool ok = std::all_of(low.begin(), low.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
    });
    if (!ok) return std::nullopt;
    return low;
}

Result<std::string> full_job_uuid(std::string_view text) {
    using R = Result<std::string>;
    auto low = uuid_like(text);
    if (!low || !is_typed_uuid(*low, UuidType::job)) {
        Error e = not_a_job_uuid(text);
        return R::fail(e.kind, e.message);
    }
    return {ErrorKind::ok, {}, *low};
}

Result<std::string> resolve_job(Storage& storage, std::string_view text) {
    using R = Result<std::string>;
    auto low = uuid_like(text);
    if (low && is_typed_uuid(*low, UuidType::job)) return {ErrorKind::ok, {}, *low};
    if (!low || low->size() < k_min_uuid_prefix || low->size() >= 36) {
        Error e = not_a_job_uuid(text);
        return R::fail(e.kind, e.message + " (or the first " + std::to_string(k_min_uuid_prefix) +
                                   " or more characters of one)");
    }
    JobFilter filter;
    filter.uuid_prefix = *low;
    filter.include_hidden = true;
    filter.limit = k_listed + 1;
    auto jobs = storage.find_jobs(filter);
    if (jobs.empty())
        return R::fail(ErrorKind::not_found, "no job's UUID starts with " + quoted_value(text));
    if (jobs.size() == 1) return {ErrorKind::ok, {}, jobs.front().uuid};
    std::string listed;
    for (std::size_t i = 0; i < jobs.size() && i < k_listed; ++i)
        listed += "\n  " + jobs[i].uuid + " " + std::string(to_string(jobs[i].state));
    if (jobs.size() > k_listed) listed += "\n  …";
    return R::fail(ErrorKind::usage, "the job UUID prefix " + quoted_value(text) +
                                         " is ambiguous; give more of it. It matches:" + listed);
}

Result<std::string> resolve_pipeline(Storage& storage, std::string_view text) {
    using R = Result<std::string>;
    auto low = uuid_like(text);
    // A whole UUID, of a pipeline or not, is taken as it is (lowercased): the message check
    // says when it is another type's.
    if (low && low->size() == 36) return {ErrorKind::ok, {}, *low};
    std::vector<Pipeline> named, prefixed;
    for (auto& p : storage.list_pipelines()) {
        if (p.name == text) named.push_back(p);
        if (low && low->size() >= k_min_uuid_prefix && p.uuid.starts_with(*low))
            prefixed.push_back(p);
    }
    auto& found = named.empty() ? prefixed : named;
    if (found.size() == 1) return {ErrorKind::ok, {}, found.front().uuid};
    if (found.empty())
        return R::fail(ErrorKind::not_found,
                       "no pipeline is named " + quoted_value(text) +
                           " and none has that UUID; 'pjm pipeline list' shows them");
    std::string listed;
    for (const auto& p : found)
        listed += "\n  " + p.uuid + " " + quoted_value(p.name);
    return R::fail(ErrorKind::usage, "several pipelines match " + quoted_value(text) +
                                         "; give the UUID of one:" + listed);
}

std::string pipeline_uuid_from_name(const UuidFactory& uuids, std::string_view text) {
    if (auto low = uuid_like(text); low && low->size() == 36) return *low;
    return uuids.pipeline_uuid(text);
}

} // namespace pjm::core
