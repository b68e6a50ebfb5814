#include "cli/batch.hpp"

#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "cli/progress.hpp"
#include "core/message.hpp"
#include "core/storage.hpp"
#include "util/printable.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace pjm::cli {

namespace {

// The lines of a file or of standard input, read a block at a time (a large file is never
// held whole), with the bytes used so far for the progress bar.
class LineReader {
  public:
    explicit LineReader(const std::string& path) : m_buf(1024 * 1024) {
        if (path == "-") {
            m_fd = STDIN_FILENO;
        } else {
            m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (m_fd < 0)
                usage_error("cannot read --batch file '" + path + "': " + std::strerror(errno));
            m_owned = true;
        }
        struct stat st {};
        if (::fstat(m_fd, &st) != 0) return;
        if (S_ISDIR(st.st_mode)) {
            close_fd();
            usage_error("--batch '" + path +
                        "' is a folder: give a file of event messages, one per line, or - for "
                        "standard input");
        }
        if (S_ISREG(st.st_mode)) m_size = static_cast<std::uint64_t>(st.st_size);
    }
    ~LineReader() { close_fd(); }
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    // The next line, without its "\n"; false at the end of the input or on a read error.
    bool next(std::string& line) {
        line.clear();
        while (true) {
            if (m_pos < m_len) {
                const char* start = m_buf.data() + m_pos;
                const void* nl = std::memchr(start, '\n', m_len - m_pos);
                std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start)
                                   : m_len - m_pos;
                line.append(start, n);
                m_pos += n;
                m_used += n;
                if (line.size() > core::k_max_message_bytes) {
                    m_error = "a line is over the " + std::to_string(core::k_max_message_bytes) +
                              "-byte limit of a message";
                    m_eof = true;
                    line.clear();
                    return false;
                }
                if (nl) {
                    ++m_pos;
                    ++m_used;
                    return true;
                }
            }
            if (m_eof) return false;
            ssize_t got = ::read(m_fd, m_buf.data(), m_buf.size());
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                m_error = std::strerror(errno);
                m_eof = true;
                line.clear();
                return false;
            }
            if (got == 0) {
                m_eof = true;
                if (!line.empty()) return true; // a last line without "\n"
                return false;
            }
            m_pos = 0;
            m_len = static_cast<std::size_t>(got);
        }
    }

    // Whether input already read waits in the buffer: the next line may come without waiting.
    bool buffered() const { return m_pos < m_len; }
    std::uint64_t size() const { return m_size; } // 0 when not a regular file
    std::uint64_t used() const { return m_used; }
    const std::string& error() const { return m_error; }

  private:
    void close_fd() {
        if (m_owned && m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

    int m_fd = -1;
    bool m_owned = false;
    std::vector<char> m_buf;
    std::size_t m_pos = 0, m_len = 0;
    bool m_eof = false;
    std::uint64_t m_size = 0, m_used = 0;
    std::string m_error;
};

// What became of one line.
struct LineResult {
    core::ErrorKind kind = core::ErrorKind::ok;
    std::string outcome; // applied, sent, refused, queued, failed, would_apply, would_send
    std::string message; // what happened, or why nothing did
    nlohmann::json uuid; // the line's uuid and name, when it has them (null otherwise)
    nlohmann::json name;
    nlohmann::json extra = nlohmann::json::object(); // execution_id, outbox_id, body
};

// A line read and checked, waiting for its group to be handled.
struct Pending {
    long number = 0;
    LineResult result;                    // a refusal already, when there is no message
    std::optional<core::Message> message; // the classified event
    remote::Outgoing outgoing;
};

// Local lines are applied in groups (docs/protocol.md#batches): one transaction, a savepoint a
// line, reported once committed. A group closes at this many lines, after this long, or when
// the input has nothing more ready (a slow producer on a pipe sees each line applied at once).
constexpr std::size_t k_group_lines = 10000;
constexpr std::chrono::milliseconds k_group_time{200};

struct Counts {
    long lines = 0, skipped = 0, applied = 0, sent = 0, refused = 0, queued = 0, failed = 0,
         would_apply = 0, would_send = 0;
    long& of(const std::string& outcome) {
        if (outcome == "applied") return applied;
        if (outcome == "sent") return sent;
        if (outcome == "refused") return refused;
        if (outcome == "queued") return queued;
        if (outcome == "would_apply") return would_apply;
        if (outcome == "would_send") return would_send;
        return failed;
    }
};

// One JSON document per line of output (NDJSON); invalid UTF-8 from the input is replaced.
// Each is flushed at once, for a reader that follows the batch as it goes.
void print_compact(const nlohmann::json& doc) {
    std::cout << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

std::string plural(long n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Batch {
  public:
    Batch(Context& ctx, const BatchOptions& options)
        : m_ctx(ctx), m_options(options), m_local(ctx.local()), m_dry(ctx.flags.dry_run),
          m_bar(ctx.flags.verbose == 0), m_stdout_tty(::isatty(STDOUT_FILENO) == 1) {}

    int run() {
        LineReader in(m_options.file);
        // What every line needs is ready before the first is read: a missing database or
        // manager is one error, not one per line.
        m_door = open_door(m_ctx);
        m_default_uuid = m_ctx.settings.get("job_uuid");
        m_default_token = m_ctx.token(m_options.token);
        if (m_dry) print_dry_run_header();
        if (auto* local = dynamic_cast<LocalDoor*>(m_door.get())) local->leave_out_documents();
        bool grouped = m_door->groups();

        std::string line;
        auto group_started = std::chrono::steady_clock::now();
        while (!m_stopped_at) {
            bool more = in.next(line);
            if (more) {
                long number = ++m_counts.lines;
                show_progress(in, number);
                if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3); // BOM
                auto first = line.find_first_not_of(" \t\r");
                if (first == std::string::npos || line[first] == '#') {
                    ++m_counts.skipped;
                } else {
                    if (m_pending.empty()) group_started = std::chrono::steady_clock::now();
                    m_pending.push_back(prepare_line(number, line));
                }
            }
            bool close = !more || !grouped || m_pending.size() >= k_group_lines || !in.buffered() ||
                         std::chrono::steady_clock::now() - group_started >= k_group_time;
            if (close && !m_pending.empty()) handle_group();
            if (!more) break;
        }
        if (!in.error().empty()) {
            m_bar.clear();
            std::cerr << "pjm: error: reading " << describe_input() << " stopped after line "
                      << m_counts.lines << ": " << in.error() << '\n';
            m_worst = core::worse(m_worst, core::ErrorKind::usage);
        }
        show_progress(in, m_counts.lines);
        m_bar.finish();
        summarize(m_worst, m_stopped_at);
        return core::exit_code(m_worst);
    }

  private:
    // "[####      ]  40%  line 1200" for a file; "line 1200" for a pipe, whose size is unknown.
    void show_progress(const LineReader& in, long line) {
        std::string label = "line " + std::to_string(line);
        std::uint64_t used = std::min(in.used(), in.size());
        if (in.size() > 0) label = std::to_string(used * 100 / in.size()) + "%  " + label;
        m_bar.update(used, in.size(), label);
    }

    std::string describe_input() const {
        return m_options.file == "-" ? std::string("standard input") : "'" + m_options.file + "'";
    }

    static LineResult refuse(LineResult r, const std::string& why) {
        r.kind = core::ErrorKind::invalid;
        r.outcome = "refused";
        r.message = why;
        return r;
    }

    // Parses and checks a line; what it cannot be delivered for is its result already.
    Pending prepare_line(long number, const std::string& line) {
        Pending p;
        p.number = number;
        p.result = check_line(line, p);
        return p;
    }

    // The group of pending lines, delivered in order inside one door group (for the local
    // door: one transaction), then reported, each only once the group is durable.
    void handle_group() {
        std::vector<LineResult> results;
        std::optional<long> stop;
        auto deliver_all = [&] {
            results.clear();
            stop.reset();
            for (Pending& p : m_pending) {
                if (stop) break;
                LineResult r = p.message ? deliver_line(p) : p.result;
                if (m_options.fail_fast && r.kind != core::ErrorKind::ok) stop = p.number;
                results.push_back(std::move(r));
            }
        };
        try {
            m_door->group(deliver_all);
        } catch (const core::StorageError& e) {
            // The commit failed: nothing of the group was saved, whatever each line's handling
            // said inside it.
            for (LineResult& r : results)
                if (r.kind == core::ErrorKind::ok) {
                    r.kind = core::ErrorKind::storage;
                    r.outcome = "failed";
                    r.message =
                        std::string("not saved: the transaction of its group failed: ") + e.what();
                }
        }
        for (std::size_t i = 0; i < results.size(); ++i) {
            ++m_counts.of(results[i].outcome);
            report(m_pending[i].number, results[i]);
            m_worst = core::worse(m_worst, results[i].kind);
        }
        if (stop) m_stopped_at = stop;
        m_pending.clear();
    }

    LineResult deliver_line(Pending& p) {
        LineResult r = p.result;
        p.outgoing.classified = &*p.message;
        Delivery d = m_door->deliver(p.outgoing);
        r.kind = d.kind;
        r.outcome = d.outcome;
        r.message = d.message;
        if (!d.execution_id.empty()) r.extra["execution_id"] = d.execution_id;
        if (!d.outbox_id.empty()) r.extra["outbox_id"] = d.outbox_id;
        if (d.request.is_object()) r.extra["body"] = d.request["body"];
        // The manager could not be reached after all the retries: the lines after this one are
        // kept at once (in order, behind it) instead of each waiting as long again.
        if (!d.unreachable.empty())
            m_door->stop_trying("not tried: the manager could not be reached for line " +
                                std::to_string(p.number) + " (" +
                                d.unreachable.substr(0, d.unreachable.find('\n')) + ")");
        return r;
    }

    // The line's result so far: its uuid and name, or a refusal; sets p.message and
    // p.outgoing when the line is an event message to deliver.
    LineResult check_line(const std::string& line, Pending& p) {
        LineResult r;
        core::ParsedBody parsed = core::parse_body(line);
        if (!parsed.value) return refuse(r, parsed.error);
        nlohmann::json body = std::move(*parsed.value);
        if (!body.is_object())
            return refuse(r, "a line must be a JSON object: one event message "
                             "{\"uuid\", \"name\", \"data\", \"token\"}");
        if (auto it = body.find("uuid"); it != body.end() && it->is_string()) r.uuid = *it;
        if (auto it = body.find("name"); it != body.end() && it->is_string()) r.name = *it;
        if (!body.contains("uuid")) {
            if (!m_default_uuid)
                return refuse(r, "no \"uuid\" on this line, and PJM_JOB_UUID is not set");
            body["uuid"] = *m_default_uuid;
            r.uuid = *m_default_uuid;
        }
        if (!body.contains("token") && m_default_token) body["token"] = *m_default_token;
        core::Classified c = core::classify(body, {});
        if (!c.message) return refuse(r, c.error.message);
        if (c.message->kind != core::MessageKind::event)
            return refuse(r, "this line is a " + std::string(core::to_string(c.message->kind)) +
                                 ", not an event: pjm event --batch takes event messages only "
                                 "(see 'pjm schema event')");
        try {
            p.outgoing = outgoing(body, {});
        } catch (const CliError&) { // a PJM_TOKEN that is not UTF-8
            return refuse(r, "the message cannot be built: PJM_TOKEN or --token is not valid "
                             "UTF-8");
        }
        p.message = std::move(*c.message);
        return r;
    }

    void print_dry_run_header() {
        if (m_ctx.flags.json) return;
        if (auto* dry = dynamic_cast<DryRunDoor*>(m_door.get())) std::cout << dry->header() << '\n';
    }

    void report(long number, const LineResult& r) {
        // The bar gives its line to a message on stderr, or on stdout when that is the same
        // terminal.
        bool to_stdout = m_ctx.flags.json || (m_dry && r.kind == core::ErrorKind::ok);
        if (r.kind != core::ErrorKind::ok || (to_stdout && m_stdout_tty)) m_bar.clear();
        if (m_ctx.flags.json) {
            nlohmann::json doc = {{"line", number},
                                  {"uuid", r.uuid},
                                  {"name", r.name},
                                  {"outcome", r.outcome},
                                  {"exit_code", core::exit_code(r.kind)}};
            if (r.kind == core::ErrorKind::ok) {
                doc["message"] = r.message;
                doc["error"] = nullptr;
            } else {
                doc["error"] = {{"kind", core::kind_name(r.kind)}, {"message", r.message}};
            }
            doc.update(r.extra);
            print_compact(doc);
        } else if (m_dry && r.kind == core::ErrorKind::ok) {
            std::cout << "line " << number << ": "
                      << r.extra["body"].dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace)
                      << '\n';
        }
        if (r.kind == core::ErrorKind::queued)
            std::cerr << "pjm: line " << number
                      << ": not delivered now: " << util::printable(r.message, util::Newlines::keep)
                      << '\n';
        else if (r.kind != core::ErrorKind::ok)
            std::cerr << "pjm: line " << number << ": "
                      << util::printable(r.message, util::Newlines::keep) << '\n';
        else if (!m_dry)
            m_ctx.trace("line " + std::to_string(number) + ": " +
                        util::printable(r.message, util::Newlines::keep));
    }

    void summarize(core::ErrorKind worst, std::optional<long> stopped_at) {
        const Counts& c = m_counts;
        if (m_ctx.flags.json) {
            print_compact({{"summary",
                            {{"lines", c.lines},
                             {"skipped", c.skipped},
                             {"applied", c.applied},
                             {"sent", c.sent},
                             {"refused", c.refused},
                             {"queued", c.queued},
                             {"failed", c.failed},
                             {"would_apply", c.would_apply},
                             {"would_send", c.would_send},
                             {"stopped_at", stopped_at ? nlohmann::json(*stopped_at) : nullptr},
                             {"exit_code", core::exit_code(worst)}}}});
        }
        std::string text = "pjm: batch: " + plural(c.lines, "line");
        if (m_dry)
            text += ", " + std::to_string(c.would_apply + c.would_send) + " valid";
        else
            text += ", " + std::to_string(m_local ? c.applied : c.sent) +
                    (m_local ? " applied" : " sent");
        text += ", " + std::to_string(c.refused) + " refused";
        if (c.queued > 0) text += ", " + std::to_string(c.queued) + " queued in the outbox";
        if (c.failed > 0) text += ", " + std::to_string(c.failed) + " failed";
        if (c.skipped > 0) text += ", " + std::to_string(c.skipped) + " skipped (blank or comment)";
        if (stopped_at)
            text += "; stopped after line " + std::to_string(*stopped_at) +
                    " (--fail-fast): the lines after it were not applied";
        if (m_dry)
            text += m_local ? "; dry run: the database was not touched" : "; dry run: nothing sent";
        if (c.queued > 0 && !m_dry) text += "; 'pjm outbox flush' delivers the queued ones later";
        std::cerr << text << '\n';
    }

    Context& m_ctx;
    const BatchOptions& m_options;
    bool m_local;
    bool m_dry;
    ProgressBar m_bar;
    bool m_stdout_tty;
    std::unique_ptr<Door> m_door;
    std::optional<std::string> m_default_uuid;
    std::optional<std::string> m_default_token;
    Counts m_counts;
    std::deque<Pending> m_pending;
    core::ErrorKind m_worst = core::ErrorKind::ok;
    std::optional<long> m_stopped_at;
};

} // namespace

int run_event_batch(Context& ctx, const BatchOptions& options) {
    Batch batch(ctx, options);
    return batch.run();
}

} // namespace pjm::cli
