// The outbox: a folder of messages that could not be delivered yet, written durably (temporary
// file, fsync, rename, fsync of the folder) and readable by their owner only. It may sit on a
// shared filesystem and take writes from many processes at once; each message is one file,
// named ID_JOB.json (ID.json for a create, and for files queued before pjm named the job), so
// that one job's queue is found from the folder's names without reading the others.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::remote {

struct OutboxEntry {
    std::string id;       // sorts in the order messages were queued
    std::string created;  // RFC 3339
    std::string url;      // the manager's messages URL, without credentials
    std::string query;    // the message's own query string (URL-parameter form, sync flag)
    std::string body;     // the message as it would have been POSTed
    std::string key;      // Idempotency-Key, the same on every attempt
    std::string job_uuid; // orders messages per job; empty for a create
    std::string summary;  // "finish 1073f4ff-…" for listings
    int attempts = 0;
    std::string last_error;
    bool failed = false; // refused for good: kept for inspection, never resent by flush
    // The exit code that refusal meant (3 to 6), so that every later flush exits with it too;
    // 0 in files queued before it was kept.
    int refused_exit = 0;
    // Queued with the manager's URL given on the command line (--url): it goes to that URL
    // only. Other messages go to the manager configured when they are flushed
    // (docs/protocol.md#outbox).
    bool pinned = false;
};

// Whether a flush to the manager at `manager_url` (configured now) sends `entry`: an unpinned
// message goes to whichever manager is configured; a pinned one only to its own.
bool goes_to(const OutboxEntry& entry, std::string_view manager_url);

// Whether a queued message's URL names the same manager as `manager_url` (user info, the
// x-nonce parameter and a trailing '/' aside). Credentials are attached only to such messages.
bool same_manager(std::string_view queued_url, std::string_view manager_url);

class Outbox {
  public:
    explicit Outbox(std::string dir) : m_dir(std::move(dir)) {}
    const std::string& dir() const { return m_dir; }

    // Writes the entry durably, giving it an id; throws std::runtime_error when it cannot.
    std::string enqueue(OutboxEntry& entry) const;
    // Every entry, oldest first; unreadable files are reported in `problems`. With `job`, the
    // entries that may be that job's: files named for another job are not read.
    std::vector<OutboxEntry> list(std::vector<std::string>* problems = nullptr,
                                  std::string_view job = {}) const;
    // Replaces an entry's file durably (after an attempt).
    void update(const OutboxEntry& entry) const;
    // Removes an entry for good; false when there is no such entry. With `durable` (the
    // default) the removal is on disk when it returns (fsync of the folder); a flush removes
    // delivered messages without it and calls sync() once at the end (see flush.cpp).
    bool remove(const std::string& id, bool durable = true) const;
    // The same for an entry read from the outbox: its file is found by its name.
    bool remove(const OutboxEntry& entry, bool durable = true) const;
    // Makes every change to the folder so far durable (fsync of the folder, if there is one).
    void sync() const;
    // Deletes the temporary files of writes that never finished (a pjm killed while queueing
    // or updating a message: the message it was writing is either whole under its own name or
    // was never queued) once they are older than `age`; a live write takes milliseconds.
    // Returns how many it deleted.
    int remove_stale_temporaries(std::chrono::seconds age) const;

    // Held while flushing so two flushes never send the same queue at once (flock on
    // <dir>/.flush.lock; released by the kernel if the process dies).
    class FlushLock {
      public:
        explicit FlushLock(int fd) : m_fd(fd) {}
        FlushLock(FlushLock&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
        FlushLock(const FlushLock&) = delete;
        FlushLock& operator=(const FlushLock&) = delete;
        ~FlushLock();

      private:
        int m_fd;
    };
    FlushLock lock_for_flush() const;

  private:
    void write_file(const std::string& stem, const std::string& text) const;
    std::string m_dir;
};

// $PJM_OUTBOX is read by the settings; this is the fallback: $XDG_STATE_HOME/pjm/outbox
// (~/.local/state/pjm/outbox).
std::string default_outbox_dir();

} // namespace pjm::remote
