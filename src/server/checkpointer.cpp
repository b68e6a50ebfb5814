#include "server/checkpointer.hpp"

namespace pjm::server {

Checkpointer::Checkpointer(std::unique_ptr<store::Database> storage,
                           std::chrono::milliseconds period, std::function<std::uint64_t()> commits,
                           std::function<void(const std::string&)> on_error)
    : m_storage(std::move(storage)), m_period(period), m_commits(std::move(commits)),
      m_on_error(std::move(on_error)) {
    m_thread = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
    stop();
}

void Checkpointer::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

std::uint64_t Checkpointer::rounds() const {
    std::lock_guard lock(m_mutex);
    return m_rounds;
}

void Checkpointer::run() {
    std::uint64_t seen = m_commits();
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_cv.wait_for(lock, m_period, [this] { return m_stopping; });
        std::uint64_t now = m_commits();
        if (now == seen && !m_stopping) continue;
        seen = now;
        lock.unlock();
        checkpoint();
        lock.lock();
        ++m_rounds;
    }
}

void Checkpointer::checkpoint() {
    try {
        m_storage->checkpoint();
    } catch (const std::exception& e) {
        if (m_on_error) m_on_error(e.what());
    }
}

} // namespace pjm::server
