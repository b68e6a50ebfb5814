// Copies SQLite's WAL back into the database on its own connection and thread
// (store::Database::checkpoint), so the writer's commits never wait for it: pjm serve opens the
// writer with store::OpenOptions::automatic_checkpoints off. A no-op on other backends.
#pragma once

#include "store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pjm::server {

class Checkpointer {
  public:
    // Every `period`, when `commits()` has moved since the last time, checkpoints through
    // `storage`; failures go to `on_error` and the next round tries again.
    Checkpointer(std::unique_ptr<store::Database> storage, std::chrono::milliseconds period,
                 std::function<std::uint64_t()> commits,
                 std::function<void(const std::string&)> on_error);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // A last checkpoint, then the thread ends.
    void stop();
    std::uint64_t rounds() const;

  private:
    void run();
    void checkpoint();

    std::unique_ptr<store::Database> m_storage;
    std::chrono::milliseconds m_period;
    std::function<std::uint64_t()> m_commits;
    std::function<void(const std::string&)> m_on_error;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::uint64_t m_rounds = 0;
    std::thread m_thread;
};

} // namespace pjm::server
