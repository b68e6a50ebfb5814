#include "core/provenance/run_record.hpp"

#include "core/fsm.hpp"

namespace pjm::core::provenance {

namespace {

// What a fail entry says about its cause: a text the sender gave under one of the usual keys,
// or its whole data as compact JSON; nothing when it gave no data.
std::optional<std::string> failure_text(const HistoryEntry& e) {
    if (!e.data.is_object() || e.data.empty()) return std::nullopt;
    for (const char* key : {"error", "message", "reason", "cause"})
        if (auto it = e.data.find(key);
            it != e.data.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
            return it->get<std::string>();
    return e.data.dump();
}

} // namespace

const char* to_string(RunStatus s) {
    switch (s) {
    case RunStatus::potential:
        return "potential";
    case RunStatus::active:
        return "active";
    case RunStatus::completed:
        return "completed";
    case RunStatus::failed:
        return "failed";
    }
    return "";
}

RunSummary summarize(const Job& job) {
    RunSummary s;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < job.history.size(); ++i)
        if (job.history[i].name == "reset") {
            begin = i + 1;
            ++s.attempt;
        }
    const HistoryEntry* first_finish = nullptr;
    const HistoryEntry* ending = nullptr; // the last finish or fail
    for (std::size_t i = begin; i < job.history.size(); ++i) {
        const HistoryEntry& e = job.history[i];
        if (e.name == "run" && !s.start) s.start = e.date;
        if (e.name == "finish") {
            if (!first_finish) first_finish = &e;
            ending = &e;
        }
        if (e.name == "fail") ending = &e;
    }
    if (ending && ending->name == "finish") {
        s.status = RunStatus::completed;
        s.end = first_finish->date;
    } else if (ending) {
        s.status = RunStatus::failed;
        s.end = ending->date;
        s.error = failure_text(*ending);
    } else if (s.start && job.state == State::running) {
        s.status = RunStatus::active;
    }
    return s;
}

std::vector<std::optional<State>> states_after(const Job& job) {
    std::vector<std::optional<State>> out;
    out.reserve(job.history.size());
    std::optional<State> state;
    for (std::size_t i = 0; i < job.history.size(); ++i) {
        const HistoryEntry& e = job.history[i];
        auto event = parse_event(e.name);
        if (i == 0 && event == Event::create)
            state = State::created;
        else if (state && event && *event != Event::create)
            state = transition(*state, *event);
        else
            state.reset();
        out.push_back(state);
    }
    return out;
}

Result<RunRecord> read_run_record(Storage& storage, const std::string& uuid) {
    auto job = read_job(storage, uuid, HistoryWindow::all());
    if (!job.ok()) return Result<RunRecord>::fail(job.kind, job.message);
    RunRecord r{std::move(job.value), std::nullopt};
    r.pipeline = storage.get_pipeline(r.job.pipeline_uuid);
    return {ErrorKind::ok, "", std::move(r)};
}

std::string fragment_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        if (keep) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace pjm::core::provenance
