#include "remote/flush.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace pjm::remote {

// How a flush goes fast (the aim is at least 1,000 messages/s to pjm serve on loopback)
// and still delivers each message exactly once, in order per job:
//
// - Different jobs' queues are independent, so they go out at once: up to hooks.connections
//   threads each take a whole job's queue and send it one message after the other, each only
//   once the previous one was acknowledged, so a job's messages arrive in the order they were
//   queued. A manager that groups concurrent messages into one commit (pjm serve does) then
//   pays one disk sync for several messages instead of one each (16 connections: 8 messages
//   per commit and ~2,000 messages/s where one connection gave ~300/s, bench/outbox_flush.sh;
//   pjm serve has at least 64 connection threads, so a flush leaves room for other clients).
//   Messages of no job (a create) go first, each on its own: nothing is ordered after them,
//   and no job waits for them.
// - Each thread keeps its connection open between messages (the transport keeps one libcurl
//   handle per thread): no connection set-up per message.
// - A delivered message's file is unlinked without syncing the folder each time; the folder
//   is synced once at the end. A kill -9 of the flush loses no unlink (it is in the kernel
//   already). A power failure in the middle may bring back files removed in its last seconds:
//   the next flush sends them again with their Idempotency-Key, and the manager answers them
//   from the key without applying them twice (pjm serve keeps keys at least 24 h) — a repeat
//   it ignores, never a lost or doubled event. A message that was not delivered is rewritten
//   durably (Outbox::update syncs), so its refusal and attempt count are never lost.
// - The same holds for a flush killed between the manager's reply and the unlink: the message
//   is still queued, and the next flush's repeat is answered from its key.

namespace {

using Queue = std::vector<OutboxEntry*>;

class Flusher {
  public:
    Flusher(const Outbox& outbox, const FlushHooks& hooks, int total)
        : m_outbox(outbox), m_hooks(hooks), m_total(total) {}

    void note(std::string sort_key, std::string line) {
        std::lock_guard g(m_mutex);
        m_notes.emplace_back(std::move(sort_key), std::move(line));
    }

    // Sends every queue, up to hooks.connections at once; rethrows the first error a sender
    // met (after the others stopped).
    void run(const std::vector<Queue>& queues) {
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            try {
                for (std::size_t i = next++; !m_stop && i < queues.size(); i = next++)
                    deliver(queues[i]);
            } catch (...) {
                std::lock_guard g(m_mutex);
                if (!m_error) m_error = std::current_exception();
                m_stop = true;
            }
        };
        std::size_t want = std::min<std::size_t>(
            static_cast<std::size_t>(std::max(m_hooks.connections, 1)), queues.size());
        std::vector<std::thread> threads;
        for (std::size_t i = 1; i < want; ++i) {
            try {
                threads.emplace_back(worker);
            } catch (const std::system_error&) {
                break; // fewer threads than asked: the ones there take every queue
            }
        }
        worker(); // this thread sends too
        for (auto& t : threads)
            t.join();
    }

    FlushReport finish() {
        if (m_error) std::rethrow_exception(m_error);
        std::stable_sort(m_notes.begin(), m_notes.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [key, line] : m_notes)
            m_report.notes.push_back(std::move(line));
        return std::move(m_report);
    }

  private:
    // One job's queue, in order; after the first message that did not go, the rest wait.
    void deliver(const Queue& queue) {
        bool blocked = false;
        for (OutboxEntry* e : queue) {
            if (m_stop) return;
            std::string label = e->id + " (" + e->summary + ")";
            if (blocked) {
                counted(m_report.still_queued, e->id, label + " waits behind an earlier message");
                continue;
            }
            if (e->failed) {
                // The same exit code as the flush that saw the refusal: a second flush of an
                // unchanged outbox answers as the first did.
                counted(m_report.failed, e->id, label + " kept: refused earlier: " + e->last_error,
                        e->refused_exit ? core::kind_for_exit_code(e->refused_exit)
                                        : core::ErrorKind::remote);
                blocked = true;
                continue;
            }
            Reply r = send(*e);
            ++e->attempts;
            if (r.ok()) {
                m_outbox.remove(e->id, false); // synced once at the end (see above)
                counted(m_report.delivered, "", "");
                continue;
            }
            e->last_error = r.message;
            // Refused for the configuration, not the message: still queued, for the flush after
            // the fix (docs/protocol.md#outbox).
            bool keep_trying = r.retryable || r.misconfigured;
            e->failed = !keep_trying;
            if (e->failed) e->refused_exit = core::exit_code(r.kind);
            m_outbox.update(*e);
            if (keep_trying)
                counted(m_report.still_queued, e->id, label + " still queued: " + r.message);
            else
                counted(m_report.failed, e->id,
                        label + " refused, kept for inspection: " + r.message, r.kind);
            blocked = true;
        }
    }

    Reply send(const OutboxEntry& e) {
        if (m_hooks.send) return m_hooks.send(e);
        const AbacoClient* client = nullptr;
        {
            std::lock_guard g(m_mutex);
            client = &m_hooks.client_for(e);
        }
        auto query = core::QueryParams::parse(e.query).value_or(core::QueryParams{});
        return client->post_message(e.body, query, e.key);
    }

    // One more message handled: adds to `counter`, keeps the note (when there is one) and the
    // first refusal's kind, and moves the progress on.
    void counted(int& counter, const std::string& sort_key, std::string line,
                 core::ErrorKind refusal = core::ErrorKind::ok) {
        std::lock_guard g(m_mutex);
        ++counter;
        if (m_report.first_failure == core::ErrorKind::ok) m_report.first_failure = refusal;
        if (!line.empty()) m_notes.emplace_back(sort_key, std::move(line));
        ++m_done;
        if (m_hooks.progress) m_hooks.progress(m_done, m_total);
    }

    const Outbox& m_outbox;
    const FlushHooks& m_hooks;
    const int m_total;
    std::mutex m_mutex; // guards everything below, client_for and progress
    FlushReport m_report;
    std::vector<std::pair<std::string, std::string>> m_notes; // (entry id, line)
    int m_done = 0;
    std::exception_ptr m_error;
    std::atomic<bool> m_stop{false};
};

} // namespace

FlushReport flush(const Outbox& outbox, const FlushHooks& hooks) {
    auto lock = outbox.lock_for_flush(); // a second flush waits here, then finds what is left
    outbox.remove_stale_temporaries(std::chrono::hours(1));
    std::vector<std::string> problems;
    auto entries = outbox.list(&problems);
    if (hooks.select)
        std::erase_if(entries, [&](const OutboxEntry& e) { return !hooks.select(e); });
    Flusher flusher(outbox, hooks, static_cast<int>(entries.size()));
    for (auto& p : problems)
        flusher.note("", "unreadable outbox file " + p); // listed first
    if (hooks.progress) hooks.progress(0, static_cast<int>(entries.size()));

    // Messages of no job, each alone; then one queue per job, in the order of its oldest message.
    std::vector<Queue> loose, jobs;
    std::map<std::string, std::size_t> job_queue;
    for (auto& e : entries) {
        if (e.job_uuid.empty()) {
            loose.push_back({&e});
            continue;
        }
        auto [it, fresh] = job_queue.try_emplace(e.job_uuid, jobs.size());
        if (fresh) jobs.emplace_back();
        jobs[it->second].push_back(&e);
    }
    flusher.run(loose);
    flusher.run(jobs);
    outbox.sync(); // every removal durable before we say they were delivered
    return flusher.finish();
}

} // namespace pjm::remote
