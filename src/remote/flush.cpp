#include "remote/flush.hpp"

#include <set>

namespace pjm::remote {

FlushReport flush(const Outbox& outbox, const FlushHooks& hooks) {
    FlushReport report;
    auto lock = outbox.lock_for_flush(); // a second flush waits here, then finds what is left
    std::vector<std::string> problems;
    auto entries = outbox.list(&problems);
    for (auto& p : problems)
        report.notes.push_back("unreadable outbox file " + p);
    std::set<std::string> stopped; // jobs whose queue cannot move on
    int done = 0, total = static_cast<int>(entries.size());
    for (auto& e : entries) {
        if (hooks.progress) hooks.progress(done, total);
        ++done;
        bool ordered = !e.job_uuid.empty();
        if (e.failed) {
            ++report.failed;
            if (ordered) stopped.insert(e.job_uuid);
            report.notes.push_back(e.id + " (" + e.summary +
                                   ") kept: refused earlier: " + e.last_error);
            continue;
        }
        if (ordered && stopped.count(e.job_uuid)) {
            ++report.still_queued;
            report.notes.push_back(e.id + " (" + e.summary + ") waits behind an earlier message");
            continue;
        }
        auto query = core::QueryParams::parse(e.query).value_or(core::QueryParams{});
        Reply r = hooks.client_for(e).post_message(e.body, query, e.key);
        ++e.attempts;
        if (r.ok()) {
            outbox.remove(e.id);
            ++report.delivered;
            continue;
        }
        e.last_error = r.message;
        if (r.retryable) {
            ++report.still_queued;
            report.notes.push_back(e.id + " (" + e.summary + ") still queued: " + r.message);
        } else {
            e.failed = true;
            ++report.failed;
            if (report.first_failure == core::ErrorKind::ok) report.first_failure = r.kind;
            report.notes.push_back(e.id + " (" + e.summary +
                                   ") refused, kept for inspection: " + r.message);
        }
        outbox.update(e);
        if (ordered) stopped.insert(e.job_uuid);
    }
    if (hooks.progress) hooks.progress(total, total);
    return report;
}

} // namespace pjm::remote
