#include "remote/flush.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
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
// - A job's own queue goes in batch requests to pjm serve (docs/protocol.md#message-batches):
//   up to 500 of its messages in one request, which the server applies in order, sharing
//   commits, each under its own Idempotency-Key, stopping at the first it does not accept; so
//   one job's queue costs a round trip and a commit per few hundred messages, not per message.
//   A manager without that route (a real Abaco) gets them one by one, as before. A batch lost
//   on the way is sent again whole: the messages it had applied are answered from their keys.
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

// A batch request's bounds: within what pjm serve takes in one request (1,000 messages, a
// 1 MiB body by default).
constexpr std::size_t k_batch_messages = 500;
constexpr std::size_t k_batch_bytes = 768 * 1024;

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
        for (std::size_t i = 0; i < queue.size(); ++i) {
            OutboxEntry* e = queue[i];
            if (m_stop) return;
            if (blocked) {
                counted(m_report.still_queued, e->id,
                        label(*e) + " waits behind an earlier message");
                continue;
            }
            if (e->failed) {
                // The same exit code as the flush that saw the refusal: a second flush of an
                // unchanged outbox answers as the first did.
                counted(m_report.failed, e->id,
                        label(*e) + " kept: refused earlier: " + e->last_error,
                        e->refused_exit ? core::kind_for_exit_code(e->refused_exit)
                                        : core::ErrorKind::remote);
                blocked = true;
                continue;
            }
            std::size_t end = batch_end(queue, i);
            if (end - i >= 2) {
                if (auto replies = send_batch(queue, i, end)) {
                    // Each reply settles its message (one the manager did not reach is still
                    // queued); after the first not delivered, this loop lets the rest wait.
                    std::size_t k = i;
                    for (; k < end && !blocked; ++k)
                        blocked = !settle(*queue[k], k - i < replies->size() ? (*replies)[k - i]
                                                                             : not_handled());
                    i = k - 1;
                    continue;
                }
            }
            blocked = !settle(*e, send(*e));
        }
    }

    static std::string label(const OutboxEntry& e) { return e.id + " (" + e.summary + ")"; }

    // Records what the manager answered for `e`; whether it was delivered.
    bool settle(OutboxEntry& e, const Reply& r) {
        ++e.attempts;
        if (r.ok()) {
            m_outbox.remove(e, false); // synced once at the end (see above)
            counted(m_report.delivered, "", "");
            return true;
        }
        e.last_error = r.message;
        // Refused for the configuration, not the message: still queued, for the flush after
        // the fix (docs/protocol.md#outbox).
        bool keep_trying = r.retryable || r.misconfigured;
        e.failed = !keep_trying;
        if (e.failed) e.refused_exit = core::exit_code(r.kind);
        m_outbox.update(e);
        if (keep_trying)
            counted(m_report.still_queued, e.id, label(e) + " still queued: " + r.message);
        else
            counted(m_report.failed, e.id, label(e) + " refused, kept for inspection: " + r.message,
                    r.kind);
        return false;
    }

    static Reply not_handled() {
        Reply r;
        r.kind = core::ErrorKind::remote;
        r.retryable = true;
        r.message = "the manager did not handle it in its batch";
        return r;
    }

    // The end of the run of messages from `begin` that may go in one batch request: not
    // refused before, with an Idempotency-Key (a batch may be sent again whole), not asking
    // for a synchronous reply, within the manager's batch and request limits. The batch route
    // is pjm serve's own: after a manager answered without it, messages go one by one.
    std::size_t batch_end(const Queue& queue, std::size_t begin) const {
        if (m_hooks.send || !m_batches_offered) return begin + 1;
        std::size_t bytes = 0, end = begin;
        while (end < queue.size() && end - begin < k_batch_messages) {
            const OutboxEntry& e = *queue[end];
            if (e.failed || e.key.empty() ||
                e.query.find("_abaco_synchronous") != std::string::npos)
                break;
            // Escaping may double a body's size in the request's JSON.
            bytes += 2 * (e.body.size() + e.query.size()) + e.key.size() + 64;
            if (bytes > k_batch_bytes) break;
            ++end;
        }
        return std::max(end, begin + 1);
    }

    // Sends queue[begin, end) in one request; nothing when the manager has no batch route
    // (then they go one by one). A request that failed as a whole answers each message with
    // its failure: the first records it, the others wait behind it.
    std::optional<std::vector<Reply>> send_batch(const Queue& queue, std::size_t begin,
                                                 std::size_t end) {
        const AbacoClient* client = nullptr;
        {
            std::lock_guard g(m_mutex);
            client = &m_hooks.client_for(*queue[begin]);
        }
        std::vector<BatchMessage> messages;
        for (std::size_t k = begin; k < end; ++k)
            messages.push_back({&queue[k]->body, &queue[k]->query, &queue[k]->key});
        BatchReply r = client->post_batch(messages);
        if (!r.offered) {
            m_batches_offered = false;
            return std::nullopt;
        }
        if (r.failure) return std::vector<Reply>{*r.failure};
        return std::move(r.replies);
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
    std::atomic<bool> m_batches_offered{true};
};

} // namespace

FlushReport flush(const Outbox& outbox, const FlushHooks& hooks) {
    auto lock = outbox.lock_for_flush(); // a second flush waits here, then finds what is left
    outbox.remove_stale_temporaries(std::chrono::hours(1));
    std::vector<std::string> problems;
    auto entries = outbox.list(&problems, hooks.job);
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
