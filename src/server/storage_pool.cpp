#include "server/storage_pool.hpp"

namespace pjm::server {

StoragePool::StoragePool(Opener open, std::size_t size)
    : m_open(std::move(open)), m_size(size == 0 ? 1 : size) {}

StoragePool::Lease::~Lease() {
    if (m_storage) m_pool->give_back(std::move(m_storage));
}

StoragePool::Lease StoragePool::acquire() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return !m_free.empty() || m_opened < m_size; });
    if (!m_free.empty()) {
        auto s = std::move(m_free.back());
        m_free.pop_back();
        return Lease(*this, std::move(s));
    }
    ++m_opened; // reserve the slot, open outside the lock
    lock.unlock();
    try {
        return Lease(*this, m_open());
    } catch (...) {
        lock.lock();
        --m_opened;
        m_cv.notify_one();
        throw;
    }
}

void StoragePool::give_back(std::unique_ptr<store::Database> storage) {
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(storage));
    }
    m_cv.notify_one();
}

} // namespace pjm::server
