#include "server/writer.hpp"

#include "server/execution.hpp"

#include <algorithm>
#include <vector>

namespace pjm::server {

namespace {

constexpr std::size_t k_max_chain_batch = 1000;

core::Outcome storage_failure(const std::string& why) {
    core::Outcome o;
    o.kind = core::ErrorKind::storage;
    o.message = "storage failure: " + why + "; the message was not saved";
    return o;
}

// Compares what a repeated Idempotency-Key came with ("<body>:<credential>" digests) with what
// it was first used with. An execution recorded before keys were bound has no digest: it is
// answered as it was.
void compare_digests(const std::string& first, const std::string& now, Handled& h) {
    if (first.empty() || now.empty()) return;
    auto split = [](const std::string& d) {
        auto colon = d.find(':');
        return std::pair(d.substr(0, colon),
                         colon == std::string::npos ? std::string() : d.substr(colon + 1));
    };
    auto [first_body, first_sender] = split(first);
    auto [body, sender] = split(now);
    h.other_body = first_body != body;
    h.other_sender = first_sender != sender;
}

} // namespace

Writer::Writer(std::unique_ptr<store::Database> storage, const core::Clock& clock,
               core::HandlerConfig config, std::string actor_id, std::size_t max_batch)
    : m_storage(std::move(storage)), m_clock(clock),
      m_handler(*m_storage, m_clock, std::move(config)), m_actor_id(std::move(actor_id)),
      m_max_batch(max_batch == 0 ? 1 : max_batch) {
    m_thread = std::thread([this] { run(); });
}

Writer::~Writer() {
    stop();
}

void Writer::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

std::uint64_t Writer::batches() const {
    std::lock_guard lock(m_mutex);
    return m_batches;
}

bool Writer::enqueue(std::vector<Item>& items) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return false;
        for (Item& item : items)
            m_queue.push_back(std::move(item));
    }
    m_cv.notify_one();
    return true;
}

void Writer::submit_async(Submission s, Done done) {
    std::vector<Item> items;
    items.push_back(Item{std::move(s), std::move(done), nullptr});
    if (enqueue(items)) return;
    Handled h;
    h.outcome = storage_failure("the server is shutting down");
    items[0].reply(std::move(h));
}

Handled Writer::submit(Submission s) {
    auto reply = std::make_shared<std::promise<Handled>>();
    auto answered = reply->get_future();
    submit_async(std::move(s), [reply](Handled h) { reply->set_value(std::move(h)); });
    return answered.get();
}

std::vector<Handled> Writer::submit_chain(std::vector<Submission> chain) {
    std::vector<std::future<Handled>> replies;
    std::vector<Item> items;
    replies.reserve(chain.size());
    items.reserve(chain.size());
    auto state = std::make_shared<Chain>();
    for (Submission& s : chain) {
        auto reply = std::make_shared<std::promise<Handled>>();
        replies.push_back(reply->get_future());
        items.push_back(
            Item{std::move(s), [reply](Handled h) { reply->set_value(std::move(h)); }, state});
    }
    if (!enqueue(items)) {
        std::vector<Handled> out(chain.size());
        for (Handled& h : out)
            h.outcome = storage_failure("the server is shutting down");
        return out;
    }
    std::vector<Handled> out;
    out.reserve(replies.size());
    for (auto& r : replies)
        out.push_back(r.get());
    return out;
}

void Writer::run() {
    while (true) {
        std::deque<Item> batch;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
            if (m_queue.empty()) return; // stopping, nothing left
            // A chain's messages fill a transaction further: they were sent together, and a
            // transaction of a few hundred costs little more than one of a few.
            while (!m_queue.empty() &&
                   (batch.size() < m_max_batch ||
                    (m_queue.front().chain && batch.size() < k_max_chain_batch))) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
            ++m_batches;
        }
        handle_batch(batch);
    }
}

void Writer::handle_batch(std::deque<Item>& batch) {
    std::vector<Handled> results(batch.size());
    // Chains broken in this batch: theirs only once it commits.
    std::vector<Chain*> broken;
    try {
        m_storage->write_batch([&] {
            broken.clear();
            for (std::size_t i = 0; i < batch.size(); ++i) {
                Handled& h = results[i];
                h = Handled{}; // (write_batch may run this again after a lost race)
                Chain* chain = batch[i].chain.get();
                if (chain && (chain->broken || std::count(broken.begin(), broken.end(), chain))) {
                    h.skipped = true;
                    h.outcome.kind = core::ErrorKind::remote;
                    h.outcome.message = "not handled: a message before it was not accepted";
                    continue;
                }
                handle_one(batch[i].submission, h);
                if (chain && !h.accepted()) broken.push_back(chain);
            }
        });
        for (Chain* c : broken)
            c->broken = true;
    } catch (const std::exception& e) {
        fail_batch(batch, results, e.what());
    } catch (...) {
        fail_batch(batch, results, "unknown error");
    }
    // Health: a batch in which a message met a storage failure says the database is not
    // taking writes; one that saved every message it had says it is again.
    std::optional<std::string> failing;
    for (const Handled& h : results)
        if (h.outcome.kind == core::ErrorKind::storage) failing = h.outcome.message;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_failing = std::move(failing);
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].reply(std::move(results[i]));
}

// One message, inside the batch's transaction.
void Writer::handle_one(const Submission& s, Handled& h) {
    // Inside the transaction: a repeat in the same batch finds the first one.
    if (s.idempotent) {
        if (auto prior = m_storage->get_execution(s.execution_id)) {
            compare_digests(prior->request_digest, s.request_digest, h);
            h.outcome = outcome_of(*prior);
            h.execution = std::move(*prior);
            h.replayed = true;
            h.recorded = true;
            return;
        }
    }
    h.outcome = s.message ? m_handler.handle(*s.message) : s.refusal;
    h.execution = make_execution(s.execution_id, m_actor_id, h.outcome, s.message, s.received_ms,
                                 m_clock.now_ms());
    h.execution.request_digest = s.request_digest;
    h.execution.executor = s.executor;
    h.execution.worker_id = s.worker_id;
    // A storage failure saved nothing of the message (its savepoint was rolled back) and may
    // pass: it is not kept under an Idempotency-Key, or every retry of the message would get
    // the failure back instead of being applied.
    if (s.idempotent && h.outcome.kind == core::ErrorKind::storage) return;
    m_storage->add_execution(h.execution);
    h.recorded = true;
}

std::optional<std::string> Writer::failing() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_failing;
}

// Nothing of the batch was committed: every message in it failed, whatever the handler had
// decided inside the rolled-back transaction.
void Writer::fail_batch(std::deque<Item>& batch, std::vector<Handled>& results,
                        const std::string& why) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Submission& s = batch[i].submission;
        results[i] = Handled{};
        results[i].outcome = storage_failure(why);
        if (s.message) results[i].outcome.message_kind = s.message->kind;
        results[i].execution.id = s.execution_id;
        if (batch[i].chain) batch[i].chain->broken = true; // nothing after it may go first
    }
}

} // namespace pjm::server
