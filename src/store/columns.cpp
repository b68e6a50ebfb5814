#include "store/columns.hpp"

#include "core/storage.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace pjm::store {

namespace {

using core::Job;
using core::StorageError;
using nlohmann::json;

// --- taking a read value apart ---

std::string take_text(Value&& v) {
    if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
    if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    return "";
}

std::optional<std::string> take_optional(Value&& v) {
    if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
    return take_text(std::move(v));
}

std::int64_t take_integer(Value&& v) {
    if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (auto* s = std::get_if<std::string>(&v)) {
        try {
            return std::stoll(*s);
        } catch (const std::exception&) {
            throw StorageError("the database holds '" + *s + "' where a number belongs");
        }
    }
    return 0;
}

json take_json(Value&& v) {
    std::string text = take_text(std::move(v));
    if (text.empty()) return json::object();
    try {
        return json::parse(text);
    } catch (const std::exception& e) {
        throw StorageError(std::string("the database holds malformed JSON: ") + e.what());
    }
}

Value optional_value(const std::optional<std::string>& s) {
    if (!s) return std::monostate{};
    return *s;
}

// --- columns that hold one member as it is ---

template <typename R, std::string R::*M> constexpr Column<R> text(std::string_view name) {
    return {name, ColumnType::text, [](const R& r) -> Value { return r.*M; },
            [](R& r, Value&& v) { r.*M = take_text(std::move(v)); }};
}

template <typename R, std::optional<std::string> R::*M>
constexpr Column<R> nullable_text(std::string_view name) {
    return {name, ColumnType::nullable_text, [](const R& r) { return optional_value(r.*M); },
            [](R& r, Value&& v) { r.*M = take_optional(std::move(v)); }};
}

template <typename R, json R::*M> constexpr Column<R> json_text(std::string_view name) {
    return {name, ColumnType::json, [](const R& r) -> Value { return (r.*M).dump(); },
            [](R& r, Value&& v) { r.*M = take_json(std::move(v)); }};
}

// --- the tables ---

// One row per field of core::Job. Adding a field: its row here, a migration in
// sqlite/migrations.cpp and postgres/schema.hpp, and the job document in core/job.cpp.
constexpr auto k_job_columns = std::to_array<Column<Job>>({
    text<Job, &Job::uuid>("uuid"),
    text<Job, &Job::pipeline_uuid>("pipeline_uuid"),
    text<Job, &Job::archive_path>("archive_path"),
    nullable_text<Job, &Job::archive_system>("archive_system"),
    json_text<Job, &Job::archive_patterns>("archive_patterns"),
    json_text<Job, &Job::product_patterns>("product_patterns"),
    json_text<Job, &Job::data>("data"),
    nullable_text<Job, &Job::session>("session"),
    nullable_text<Job, &Job::agent>("agent"),
    nullable_text<Job, &Job::task>("task"),
    {"state", ColumnType::text,
     [](const Job& j) -> Value { return std::string(core::to_string(j.state)); },
     [](Job& j, Value&& v) {
         std::string name = take_text(std::move(v));
         auto state = core::parse_state(name);
         if (!state) throw StorageError("job " + j.uuid + " has an unknown state '" + name + "'");
         j.state = *state;
     }},
    text<Job, &Job::last_event>("last_event"),
    text<Job, &Job::created>("created"),
    text<Job, &Job::updated>("updated"),
    text<Job, &Job::salt>("salt"),
    {"visible", ColumnType::boolean,
     [](const Job& j) -> Value { return std::int64_t{j.visible ? 1 : 0}; },
     [](Job& j, Value&& v) { j.visible = take_integer(std::move(v)) != 0; }},
    // A new job is written with the history it is inserted with; append_event moves it.
    {"event_count", ColumnType::integer,
     [](const Job& j) -> Value { return static_cast<std::int64_t>(j.history.size()); },
     [](Job& j, Value&& v) { j.event_count = take_integer(std::move(v)); }},
});

using core::HistoryEntry;
constexpr auto k_history_columns = std::to_array<Column<HistoryEntry>>({
    text<HistoryEntry, &HistoryEntry::uuid>("uuid"),
    text<HistoryEntry, &HistoryEntry::name>("name"),
    text<HistoryEntry, &HistoryEntry::date>("date"),
    json_text<HistoryEntry, &HistoryEntry::data>("data"),
});

using core::Pipeline;
constexpr auto k_pipeline_columns = std::to_array<Column<Pipeline>>({
    text<Pipeline, &Pipeline::uuid>("uuid"),
    text<Pipeline, &Pipeline::name>("name"),
    text<Pipeline, &Pipeline::description>("description"),
    text<Pipeline, &Pipeline::created>("created"),
});

constexpr auto k_execution_columns = std::to_array<Column<Execution>>({
    text<Execution, &Execution::id>("id"),
    text<Execution, &Execution::actor_id>("actor_id"),
    text<Execution, &Execution::status>("status"),
    {"exit_code", ColumnType::integer,
     [](const Execution& e) -> Value { return std::int64_t{e.exit_code}; },
     [](Execution& e, Value&& v) { e.exit_code = static_cast<int>(take_integer(std::move(v))); }},
    text<Execution, &Execution::start_time>("start_time"),
    text<Execution, &Execution::end_time>("end_time"),
    text<Execution, &Execution::message_kind>("message_kind"),
    text<Execution, &Execution::job_uuid>("job_uuid"),
    text<Execution, &Execution::log>("log"),
    text<Execution, &Execution::request_digest>("request_digest"),
    text<Execution, &Execution::executor>("executor"),
    text<Execution, &Execution::worker_id>("worker_id"),
    {"runtime", ColumnType::integer, [](const Execution& e) -> Value { return e.runtime; },
     [](Execution& e, Value&& v) { e.runtime = take_integer(std::move(v)); }},
});

} // namespace

Columns<Job> job_columns() {
    return k_job_columns;
}

Columns<HistoryEntry> history_columns() {
    return k_history_columns;
}

Columns<Pipeline> pipeline_columns() {
    return k_pipeline_columns;
}

Columns<Execution> execution_columns() {
    return k_execution_columns;
}

std::string placeholders(char mark, std::size_t count, std::size_t first) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        if (i) out += ", ";
        out += mark;
        out += std::to_string(first + i);
    }
    return out;
}

std::vector<std::pair<core::State, std::int64_t>>
state_counts(const std::function<bool(std::string& state, std::int64_t& count)>& next) {
    std::vector<std::pair<core::State, std::int64_t>> out;
    std::string name;
    std::int64_t n = 0;
    while (next(name, n)) {
        auto state = core::parse_state(name);
        if (!state) throw core::StorageError("the database holds the unknown state '" + name + "'");
        out.emplace_back(*state, n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace pjm::store
