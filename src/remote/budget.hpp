// The time one pjm command may spend waiting for the manager: every request together (the
// job's earlier queued messages, the message itself, each attempt and each pause between
// attempts), retry_max_time seconds (docs/protocol.md#transport-abaco-messages-api). A manager
// that accepts connections and never answers then costs a command that much, and what could
// not go is queued. Shared by every client of the command; safe to read from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace pjm::remote {

class Budget {
  public:
    explicit Budget(std::chrono::milliseconds total) : m_total(total) { restart(); }
    // A fresh budget from now (pjm exec: the finish after the command gets its own).
    void restart() { m_deadline_ms.store(now_ms() + m_total.count(), std::memory_order_relaxed); }
    // What is left; zero once spent.
    std::chrono::milliseconds left() const {
        std::int64_t left = m_deadline_ms.load(std::memory_order_relaxed) - now_ms();
        return std::chrono::milliseconds(left > 0 ? left : 0);
    }
    std::chrono::milliseconds total() const { return m_total; }

  private:
    static std::int64_t now_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    std::chrono::milliseconds m_total;
    std::atomic<std::int64_t> m_deadline_ms{0};
};

} // namespace pjm::remote
