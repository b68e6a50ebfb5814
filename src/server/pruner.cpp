#include "server/pruner.hpp"

#include "core/storage.hpp"
#include "core/timefmt.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace pjm::server {

namespace {
constexpr std::size_t k_chunk = 1000; // executions per transaction
// How often the pruner looks at the clock. Retention is wall-clock time (the executions'
// start times), so the period between two prunes is measured on that clock too: a clock set
// forward (or run fast, as bench/retention_soak.sh does) prunes on time.
constexpr std::chrono::milliseconds k_tick{1000};
} // namespace

Pruner::Pruner(std::unique_ptr<store::Database> storage, std::chrono::seconds keep,
               std::chrono::milliseconds period, const core::Clock& clock,
               std::function<void(const std::string&)> log)
    : m_storage(std::move(storage)), m_keep(keep), m_period(period), m_clock(clock),
      m_log(std::move(log)), m_thread([this] { run(); }) {}

Pruner::~Pruner() {
    stop();
}

void Pruner::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Pruner::run() {
    std::unique_lock<std::mutex> lock(m_mutex);
    std::optional<std::int64_t> last; // when it last pruned, on the clock
    while (!m_stopping) {
        std::int64_t now = m_clock.now_ms();
        // At start, once a period has passed, and when the clock was set back.
        if (!last || now - *last >= m_period.count() || now < *last) {
            last = now;
            lock.unlock();
            prune();
            lock.lock();
        }
        m_cv.wait_for(lock, std::min(k_tick, m_period), [this] { return m_stopping; });
    }
}

void Pruner::prune() {
    std::string before = core::rfc3339_ms(
        m_clock.now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(m_keep).count());
    std::size_t total = 0;
    try {
        for (;;) {
            std::size_t n = m_storage->prune_executions(before, k_chunk);
            total += n;
            if (n < k_chunk) break;
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopping) break;
        }
    } catch (const core::StorageError& e) {
        m_log(std::string("pjm serve: pruning executions failed (tried again later): ") + e.what());
    }
    if (total > 0)
        m_log("pjm serve: pruned " + std::to_string(total) + " executions that started before " +
              before + " (--keep-executions)");
}

} // namespace pjm::server
