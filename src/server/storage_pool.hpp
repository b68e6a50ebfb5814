// Database connections for the read routes: a connection serves one thread at a time (SQLite
// connections are not shared between threads), so requests borrow one from a small pool.
#pragma once

#include "store/database.hpp"

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace pjm::server {

class StoragePool {
  public:
    using Opener = std::function<std::unique_ptr<store::Database>()>;
    // Opens connections on demand, at most `size` of them.
    StoragePool(Opener open, std::size_t size);

    class Lease {
      public:
        Lease(StoragePool& pool, std::unique_ptr<store::Database> storage)
            : m_pool(&pool), m_storage(std::move(storage)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        store::Database& operator*() const { return *m_storage; }
        store::Database* operator->() const { return m_storage.get(); }

      private:
        StoragePool* m_pool;
        std::unique_ptr<store::Database> m_storage;
    };

    // Waits for a free connection; throws core::StorageError when a new one cannot be opened.
    Lease acquire();

  private:
    void give_back(std::unique_ptr<store::Database> storage);

    Opener m_open;
    std::size_t m_size;
    std::size_t m_opened = 0;
    std::vector<std::unique_ptr<store::Database>> m_free;
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

} // namespace pjm::server
