#include "remote/outbox.hpp"

#include "core/hash.hpp"
#include "core/query.hpp"
#include "core/random.hpp"
#include "core/timefmt.hpp"
#include "util/redact.hpp"
#include "util/user_dirs.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace pjm::remote {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_suffix = ".json";

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Queued messages carry job tokens, and flush sends what it finds: the folder must be this
// user's alone. One that another user owns is refused (whoever owns it can read the tokens and
// plant messages), as ssh refuses a ~/.ssh others can write; one this user owns is made 0700.
void check_private(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail("cannot inspect the outbox " + dir);
    if (!S_ISDIR(st.st_mode))
        throw std::runtime_error("the outbox " + dir +
                                 " is not a folder; set PJM_OUTBOX (or "
                                 "outbox in the config file) to a folder");
    if (st.st_uid != ::geteuid())
        throw std::runtime_error("the outbox " + dir + " belongs to another user (uid " +
                                 std::to_string(st.st_uid) +
                                 "): pjm keeps job tokens only in a folder of its own user; "
                                 "set PJM_OUTBOX to a folder you own");
    if ((st.st_mode & 0077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
        fail("cannot make the outbox " + dir + " private (mode 0700)");
}

void ensure_dir(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) throw std::runtime_error("cannot create the outbox " + dir + ": " + ec.message());
    }
    check_private(dir);
}

void fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open the outbox " + dir);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) fail("cannot sync the outbox " + dir);
}

// Reads a queued message: a regular file this user owns, never through a link (a queued file
// is 0600 and written by pjm; anything else was put there by someone else).
bool read_own_file(const std::string& path, std::string& text) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_size > 64 * 1024 * 1024) {
        ::close(fd);
        return false;
    }
    text.clear();
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return n == 0;
}

nlohmann::json to_json(const OutboxEntry& e) {
    return {{"id", e.id},
            {"created", e.created},
            {"url", e.url},
            {"query", e.query},
            {"body", e.body},
            {"idempotency_key", e.key},
            {"job", e.job_uuid},
            {"summary", e.summary},
            {"attempts", e.attempts},
            {"last_error", e.last_error},
            {"failed", e.failed},
            {"refused_exit", e.refused_exit},
            {"pinned", e.pinned}};
}

OutboxEntry from_json(const nlohmann::json& j) {
    OutboxEntry e;
    e.id = j.at("id").get<std::string>();
    e.created = j.value("created", "");
    e.url = j.at("url").get<std::string>();
    e.query = j.value("query", "");
    e.body = j.at("body").get<std::string>();
    e.key = j.at("idempotency_key").get<std::string>();
    e.job_uuid = j.value("job", "");
    e.summary = j.value("summary", "");
    e.attempts = j.value("attempts", 0);
    e.last_error = j.value("last_error", "");
    e.failed = j.value("failed", false);
    e.refused_exit = j.value("refused_exit", 0);
    e.pinned = j.value("pinned", false);
    return e;
}

} // namespace

namespace {

// A URL as compared by same_manager.
std::string comparable(std::string_view url) {
    std::string u = util::url_without_userinfo(url);
    std::string query;
    if (auto q = u.find('?'); q != std::string::npos) {
        if (auto params = core::QueryParams::parse(std::string_view(u).substr(q + 1))) {
            core::QueryParams kept;
            for (const auto& [k, v] : params->items())
                if (k != "x-nonce") kept.add(k, v);
            query = kept.encode();
        } else {
            query = u.substr(q + 1);
        }
        u.resize(q);
    }
    while (!u.empty() && u.back() == '/')
        u.pop_back();
    return query.empty() ? u : u + "?" + query;
}

} // namespace

bool same_manager(std::string_view queued_url, std::string_view manager_url) {
    return comparable(queued_url) == comparable(manager_url);
}

bool goes_to(const OutboxEntry& entry, std::string_view manager_url) {
    return !entry.pinned || same_manager(entry.url, manager_url);
}

std::string default_outbox_dir() {
    return util::app_dir(util::UserDir::state, "pjm").path + "/outbox";
}

namespace {

// A job UUID as a file name may hold it: lowercase hex digits and dashes, 36 of them.
bool nameable_job(std::string_view job) {
    if (job.size() != 36) return false;
    for (char c : job)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return false;
    return true;
}

// An entry's file name without its suffix: ID_JOB, or ID when it names no job.
std::string stem_of(const OutboxEntry& e) {
    return nameable_job(e.job_uuid) ? e.id + "_" + e.job_uuid : e.id;
}

} // namespace

void Outbox::write_file(const std::string& stem, const std::string& text) const {
    std::string tmp = m_dir + "/." + stem + ".tmp";
    std::string final_path = m_dir + "/" + stem + std::string(k_suffix);
    // A temporary file is always new (O_EXCL): a link planted in its place is never followed.
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot write to the outbox " + m_dir);
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            errno = saved;
            fail("cannot write to the outbox " + m_dir);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        fail("cannot sync the outbox " + m_dir);
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        fail("cannot move a message into the outbox " + m_dir);
    }
    fsync_dir(m_dir);
}

std::string Outbox::enqueue(OutboxEntry& entry) const {
    ensure_dir(m_dir);
    // Ids sort in the order messages were queued: microseconds, strictly increasing within a
    // process (a batch queues several lines in one millisecond; with milliseconds and a random
    // suffix they could swap). Older 13-digit (millisecond) ids still sort right against them.
    static std::mutex last_mutex;
    static long long last_us = 0;
    long long now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    {
        std::lock_guard g(last_mutex);
        if (now_us <= last_us) now_us = last_us + 1;
        last_us = now_us;
    }
    auto rnd = core::random_bytes(4);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%016lld", now_us);
    entry.id = std::string(stamp) + "-" + core::to_hex(rnd.data(), rnd.size());
    if (entry.created.empty()) entry.created = core::rfc3339_ms(now_us / 1000);
    write_file(stem_of(entry), to_json(entry).dump(2) + "\n");
    return entry.id;
}

std::vector<OutboxEntry> Outbox::list(std::vector<std::string>* problems,
                                      std::string_view job) const {
    std::vector<OutboxEntry> out;
    std::error_code ec;
    if (!fs::exists(m_dir, ec)) return out;
    check_private(m_dir);
    for (const auto& file : fs::directory_iterator(m_dir, ec)) {
        std::string name = file.path().filename().string();
        if (name.front() == '.' || file.path().extension() != k_suffix) continue;
        // ID_JOB.json: another job's message is known by its name alone.
        std::string stem = file.path().stem().string();
        if (auto cut = stem.find('_'); !job.empty() && cut != std::string::npos &&
                                       std::string_view(stem).substr(cut + 1) != job)
            continue;
        std::string text;
        if (!read_own_file(file.path().string(), text)) {
            if (problems)
                problems->push_back(file.path().string() +
                                    ": not a file of this user's (a link, or another owner); "
                                    "left alone");
            continue;
        }
        try {
            out.push_back(from_json(nlohmann::json::parse(text)));
        } catch (const std::exception& e) {
            if (problems) problems->push_back(file.path().string() + ": " + e.what());
        }
    }
    std::sort(out.begin(), out.end(),
              [](const OutboxEntry& a, const OutboxEntry& b) { return a.id < b.id; });
    return out;
}

void Outbox::update(const OutboxEntry& entry) const {
    std::string stem = stem_of(entry);
    write_file(stem, to_json(entry).dump(2) + "\n");
    // A message queued before files named their job is renamed by its first update.
    if (stem != entry.id) {
        std::string old = m_dir + "/" + entry.id + std::string(k_suffix);
        if (::unlink(old.c_str()) == 0) fsync_dir(m_dir);
    }
}

namespace {

// Unlinks `path`: true when it was there, false when it was not; throws otherwise.
bool unlink_entry(const std::string& path) {
    if (::unlink(path.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    fail("cannot remove " + path);
}

} // namespace

bool Outbox::remove(const std::string& id, bool durable) const {
    if (id.empty() || id.find('/') != std::string::npos || id.front() == '.') return false;
    bool removed = unlink_entry(m_dir + "/" + id + std::string(k_suffix));
    if (!removed) {
        // ID_JOB.json: found by the folder's names.
        std::error_code ec;
        for (const auto& file : fs::directory_iterator(m_dir, ec)) {
            std::string name = file.path().filename().string();
            if (name.size() > id.size() && name.compare(0, id.size(), id) == 0 &&
                name[id.size()] == '_' && file.path().extension() == k_suffix) {
                removed = unlink_entry(file.path().string());
                break;
            }
        }
    }
    if (removed && durable) fsync_dir(m_dir);
    return removed;
}

bool Outbox::remove(const OutboxEntry& entry, bool durable) const {
    std::string stem = stem_of(entry);
    if (stem == entry.id || !unlink_entry(m_dir + "/" + stem + std::string(k_suffix)))
        return remove(entry.id, durable);
    if (durable) fsync_dir(m_dir);
    return true;
}

void Outbox::sync() const {
    std::error_code ec;
    if (fs::is_directory(m_dir, ec)) fsync_dir(m_dir);
}

int Outbox::remove_stale_temporaries(std::chrono::seconds age) const {
    int removed = 0;
    std::error_code ec;
    auto now = fs::file_time_type::clock::now();
    for (const auto& file : fs::directory_iterator(m_dir, ec)) {
        std::string name = file.path().filename().string();
        if (name.size() < 5 || name.front() != '.' || name.substr(name.size() - 4) != ".tmp")
            continue;
        std::error_code time_ec;
        auto written = fs::last_write_time(file.path(), time_ec);
        if (time_ec || now - written < age) continue;
        if (::unlink(file.path().c_str()) == 0) ++removed;
    }
    return removed;
}

Outbox::FlushLock Outbox::lock_for_flush() const {
    ensure_dir(m_dir);
    std::string path = m_dir + "/.flush.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot open " + path);
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        int saved = errno;
        ::close(fd);
        errno = saved;
        fail("cannot lock " + path);
    }
    return FlushLock(fd);
}

Outbox::FlushLock::~FlushLock() {
    if (m_fd >= 0) ::close(m_fd);
}

} // namespace pjm::remote
