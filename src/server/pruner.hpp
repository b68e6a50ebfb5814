// Execution retention of pjm serve (--keep-executions, docs/protocol.md#execution-retention): on
// its own connection and thread, at start and then every `period` of the clock's time, deletes the
// executions that started longer ago than `keep`, a thousand at a time (each a short transaction of
// its own), so the executions table, and with it the database file, stops growing with every
// message.
#pragma once

#include "core/clock.hpp"
#include "store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pjm::server {

class Pruner {
  public:
    Pruner(std::unique_ptr<store::Database> storage, std::chrono::seconds keep,
           std::chrono::milliseconds period, const core::Clock& clock,
           std::function<void(const std::string&)> log);
    ~Pruner();
    Pruner(const Pruner&) = delete;
    Pruner& operator=(const Pruner&) = delete;

    void stop();

  private:
    void run();
    void prune();

    std::unique_ptr<store::Database> m_storage;
    std::chrono::seconds m_keep;
    std::chrono::milliseconds m_period;
    const core::Clock& m_clock;
    std::function<void(const std::string&)> m_log;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace pjm::server
