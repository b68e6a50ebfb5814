// libFuzzer target: the whole message path of the manager. Raw bytes → QueryParams::parse →
// parse_body → classify (schema validation) → core::Handler → one SQLite transaction.
//
// Input: up to k_max_messages messages separated by a line "===". A message whose first byte
// is '?' carries a URL query string on its first line; the rest is the body. Placeholders let
// seeds name the jobs set up at start-up (their tokens come from random salts):
//   @PIPELINE@            the registered pipeline
//   @JOB@ @TOKEN@         a job in CREATED          @JOB2@ @TOKEN2@   one in RUNNING
//   @JOB3@ @TOKEN3@       one in FINISHED           @HIDDEN@ @HIDDENTOKEN@  a soft-deleted one
//   @ADMIN@               a valid admin token       @NEW@ @NEWTOKEN@  the job last created
//                                                                     by this input
// All messages of one input run in one write_batch (pjm serve's group commit, each message a
// savepoint) that is then rolled back: every input starts from the same database, so a crash
// reproduces from its input alone.
//
// Invariants checked besides "no crash, no leak, no sanitizer report": nothing escapes the
// handler; an outcome is never internal or storage (a bug here: the database is a local file)
// and has one of the exit codes 0, 3, 4, 5 or 6 (docs/protocol.md#exit-codes); a refused
// message changes no job; an accepted event moves its job exactly as the transition table says
// and adds one history entry (a callback: one per step, inferred ones included, or none when
// it is a duplicate or stale); a create adds one job in CREATED with a 16-hex-digit token; a
// delete hides or removes.
#include "core/handler.hpp"
#include "core/job.hpp"
#include "core/typed_uuid.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace {

// A job filter with only what `set` sets (designated initializers would warn about the rest).
template <class Set> pjm::core::JobFilter filter(Set set) {
    pjm::core::JobFilter f;
    set(f);
    return f;
}

using namespace pjm;
using namespace pjm::core;
using nlohmann::json;

constexpr std::int64_t k_t0 = 1'790'000'000'000; // ms: a fixed "now"
constexpr std::size_t k_max_messages = 8;
constexpr std::string_view k_separator = "\n===\n";

[[noreturn]] void bug(const std::string& what) {
    std::fprintf(stderr, "fuzz_handler: invariant broken: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

// What a message may change about a job (the history grows with event_count).
using JobRow = std::tuple<State, bool, std::int64_t, std::string, std::string>;
using Snapshot = std::map<std::string, JobRow>;

struct Rollback {};

class World {
  public:
    World() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "pjm-fuzz-handler-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) bug("mkdtemp failed in " + tmpl);
        m_dir = tmpl;
        storage = store::open((m_dir / "pjm.db").string());
        HandlerConfig cfg;
        cfg.admin.secret = "fuzz-secret";
        cfg.admin.key = "fuzz";
        cfg.admin.lifetime = 3600;
        handler = std::make_unique<Handler>(*storage, clock, cfg);
        admin = admin_token(cfg.admin, clock.now_s());
        pipeline = handler->uuids().pipeline_uuid("fuzz");
        if (!storage->add_pipeline({pipeline, "fuzz", "fuzzing", "2026-01-01T00:00:00.000Z"}))
            bug("pipeline not added");
        std::tie(job, token) = create(1, {});
        std::tie(job2, token2) = create(2, {"run"});
        std::tie(job3, token3) = create(3, {"run", "finish"});
        std::tie(hidden, hidden_token) = create(4, {"run"});
        expect_ok(
            handler->handle(json{{"uuid", hidden}, {"action", "delete"}, {"token", admin}}, {}));
    }
    ~World() {
        handler.reset();
        storage.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    Snapshot snapshot() const {
        Snapshot s;
        for (const Job& j : storage->find_jobs(filter([](auto& f) { f.include_hidden = true; })))
            s[j.uuid] = {j.state, j.visible, j.event_count, j.last_event, j.updated};
        return s;
    }

    FixedClock clock{k_t0};
    std::unique_ptr<store::Database> storage;
    std::unique_ptr<Handler> handler;
    std::string admin, pipeline, job, token, job2, token2, job3, token3, hidden, hidden_token;

  private:
    static void expect_ok(const Outcome& o) {
        if (!o.ok()) bug("set-up message refused: " + o.message);
    }
    std::pair<std::string, std::string> create(int n, const std::vector<std::string>& events) {
        Outcome o = handler->handle(
            json{{"pipeline_uuid", pipeline}, {"archive_path", "/archive"}, {"data", {{"n", n}}}},
            {});
        expect_ok(o);
        for (const auto& e : events)
            expect_ok(
                handler->handle(json{{"uuid", o.job->uuid}, {"name", e}, {"token", *o.token}}, {}));
        return {o.job->uuid, *o.token};
    }

    std::filesystem::path m_dir;
};

World& world() {
    static World w;
    return w;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
}

void check(const Outcome& o, const Snapshot& before, const Snapshot& after) {
    int code = exit_code(o.kind);
    if (o.kind == ErrorKind::internal || o.kind == ErrorKind::storage)
        bug("outcome " + std::string(kind_name(o.kind)) + ": " + o.message);
    if (code != 0 && code != 3 && code != 4 && code != 5 && code != 6)
        bug("exit code " + std::to_string(code) + " is not one a message can have");
    if (o.message.empty()) bug("an outcome without a message");
    if (!o.ok()) {
        if (before != after) bug("a refused message changed the jobs: " + o.message);
        if (o.token) bug("a refused message returned a token");
        return;
    }
    if (!o.message_kind || !o.job) bug("an accepted message without its kind or job");
    if (!o.applied()) {
        // Only a platform callback is ever answered without a change, and then nothing changed.
        if (!is_callback(*o.message_kind)) bug("a command answered without a change");
        if (before != after) bug("an unapplied callback changed the jobs: " + o.message);
        return;
    }
    const Job& job = *o.job;
    if (!is_typed_uuid(job.uuid, UuidType::job)) bug("job uuid " + job.uuid);
    // What the reply would show (pjm serve renders these).
    (void)to_document(job, false).dump();
    if (o.entry) (void)to_json(*o.entry).dump();

    auto was = before.find(job.uuid);
    auto now = after.find(job.uuid);
    switch (*o.message_kind) {
    case MessageKind::create_action:
        if (was != before.end()) bug("create of an existing job " + job.uuid);
        if (now == after.end() || after.size() != before.size() + 1)
            bug("create did not add exactly one job");
        if (!o.token || o.token->size() != 16 ||
            o.token->find_first_not_of("0123456789abcdef") != std::string::npos)
            bug("create without a 16-hex-digit token");
        if (std::get<0>(now->second) != State::created || std::get<2>(now->second) != 1)
            bug("a new job not in CREATED with one history entry");
        break;
    case MessageKind::delete_action:
        if (was == before.end()) bug("delete of a job that did not exist");
        if (now != after.end() && std::get<1>(now->second))
            bug("a deleted job still visible " + job.uuid);
        if (after.size() != before.size() - (now == after.end() ? 1 : 0))
            bug("delete changed the number of jobs wrongly");
        break;
    case MessageKind::event:
    case MessageKind::agave_callback:
    case MessageKind::tapis_notification:
    case MessageKind::nextflow_weblog:
    case MessageKind::cromwell_callback:
    case MessageKind::slurm_jobcomp:
    case MessageKind::cloudevent:
    case MessageKind::url_params: {
        if (now == after.end()) bug("an event whose job is missing after it");
        // Nextflow's job-creating mode makes the job of its run in the event's transaction:
        // it starts from CREATED with its create entry.
        bool made = was == before.end();
        if (made && *o.message_kind != MessageKind::nextflow_weblog) bug("event on a missing job");
        if (made && after.size() != before.size() + 1)
            bug("an event that made its job did not add exactly one job");
        JobRow start = made ? JobRow{State::created, true, 1, "", ""} : was->second;
        if (!o.entry) bug("an accepted event without its history entry");
        if (!o.inferred.empty() && !is_callback(*o.message_kind))
            bug("a command had steps inferred");
        // The inferred steps, then the reported event, each by the transition table.
        State s = std::get<0>(start);
        std::vector<HistoryEntry> entries = o.inferred;
        entries.push_back(*o.entry);
        for (const HistoryEntry& e : entries) {
            auto event = parse_event(e.name);
            if (!event) bug("history entry with an unknown event " + e.name);
            auto next = transition(s, *event);
            if (!next) bug("event " + e.name + " moved the job against the transition table");
            s = *next;
        }
        if (s != std::get<0>(now->second) || s != job.state)
            bug("the job is not where its new entries took it");
        if (std::get<2>(now->second) !=
            std::get<2>(start) + static_cast<std::int64_t>(entries.size()))
            bug("an event did not add exactly one history entry per step");
        if (!std::get<1>(start)) bug("an event accepted on a hidden job");
        if (!made && after.size() != before.size()) bug("an event changed the number of jobs");
        break;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> messages;
    while (messages.size() < k_max_messages) {
        auto sep = input.find(k_separator);
        messages.push_back(input.substr(0, sep));
        if (sep == std::string_view::npos) break;
        input.remove_prefix(sep + k_separator.size());
    }

    try {
        w.storage->write_batch([&] {
            std::string new_job, new_token;
            for (std::string_view raw : messages) {
                std::string text(raw);
                const std::pair<std::string_view, const std::string*> names[] = {
                    {"@HIDDENTOKEN@", &w.hidden_token},
                    {"@NEWTOKEN@", &new_token},
                    {"@PIPELINE@", &w.pipeline},
                    {"@HIDDEN@", &w.hidden},
                    {"@TOKEN2@", &w.token2},
                    {"@TOKEN3@", &w.token3},
                    {"@TOKEN@", &w.token},
                    {"@ADMIN@", &w.admin},
                    {"@JOB2@", &w.job2},
                    {"@JOB3@", &w.job3},
                    {"@JOB@", &w.job},
                    {"@NEW@", &new_job},
                };
                for (const auto& [name, value] : names)
                    if (!value->empty()) replace_all(text, name, *value);

                std::string_view body = text;
                QueryParams query;
                if (!body.empty() && body.front() == '?') {
                    auto nl = body.find('\n');
                    auto parsed = QueryParams::parse(body.substr(0, nl));
                    if (!parsed) continue; // pjm serve answers 400 before the handler
                    query = std::move(*parsed);
                    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
                }

                Snapshot before = w.snapshot();
                Outcome o = w.handler->handle_raw(body, query);
                Snapshot after = w.snapshot();
                check(o, before, after);
                if (o.ok() && o.token && o.job) {
                    new_job = o.job->uuid;
                    new_token = *o.token;
                }
            }
            throw Rollback{}; // nothing stays: the next input sees the same database
        });
    } catch (const Rollback&) {
    }
    return 0;
}
