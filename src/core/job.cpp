#include "core/job.hpp"

#include <stdexcept>

namespace pjm::core {

nlohmann::json to_json(const HistoryEntry& e) {
    return {{"uuid", e.uuid}, {"name", e.name}, {"date", e.date}, {"data", e.data}};
}

nlohmann::json to_document(const Job& job, bool with_history) {
    nlohmann::json doc = {
        {"uuid", job.uuid},
        {"pipeline_uuid", job.pipeline_uuid},
        {"archive_path", job.archive_path},
        {"archive_patterns", job.archive_patterns},
        {"product_patterns", job.product_patterns},
        {"data", job.data},
        {"state", std::string(to_string(job.state))},
        {"last_event", job.last_event},
        {"created", job.created},
        {"updated", job.updated},
        {"visible", job.visible},
        {"event_count", job.event_count},
    };
    if (job.archive_system) doc["archive_system"] = *job.archive_system;
    if (job.session) doc["session"] = *job.session;
    if (job.agent) doc["agent"] = *job.agent;
    if (job.task) doc["task"] = *job.task;
    if (with_history) {
        nlohmann::json history = nlohmann::json::array();
        for (const auto& e : job.history)
            history.push_back(to_json(e));
        doc["history"] = std::move(history);
        doc["history_start"] = job.history_start;
    }
    return doc;
}

namespace {

std::string required_string(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string())
        throw std::invalid_argument(std::string("field '") + key + "' missing or not a string");
    return it->get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    if (!it->is_string())
        throw std::invalid_argument(std::string("field '") + key + "' is not a string");
    return it->get<std::string>();
}

} // namespace

HistoryEntry history_entry_from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) throw std::invalid_argument("history entry is not an object");
    return {required_string(doc, "uuid"), required_string(doc, "name"),
            required_string(doc, "date"), doc.value("data", nlohmann::json::object())};
}

Job job_from_document(const nlohmann::json& doc) {
    if (!doc.is_object()) throw std::invalid_argument("job document is not an object");
    Job j;
    j.uuid = required_string(doc, "uuid");
    j.pipeline_uuid = required_string(doc, "pipeline_uuid");
    j.archive_path = required_string(doc, "archive_path");
    j.archive_system = optional_string(doc, "archive_system");
    j.archive_patterns = doc.value("archive_patterns", nlohmann::json::array());
    j.product_patterns = doc.value("product_patterns", nlohmann::json::array());
    j.data = doc.value("data", nlohmann::json::object());
    j.session = optional_string(doc, "session");
    j.agent = optional_string(doc, "agent");
    j.task = optional_string(doc, "task");
    std::string state = required_string(doc, "state");
    auto parsed = parse_state(state);
    if (!parsed) throw std::invalid_argument("unknown state '" + state + "'");
    j.state = *parsed;
    j.last_event = required_string(doc, "last_event");
    j.created = optional_string(doc, "created").value_or("");
    j.updated = required_string(doc, "updated");
    j.salt = optional_string(doc, "salt").value_or("");
    j.visible = doc.value("visible", true);
    if (auto it = doc.find("history"); it != doc.end() && it->is_array())
        for (const auto& e : *it)
            j.history.push_back(history_entry_from_json(e));
    j.event_count = doc.value("event_count", static_cast<std::int64_t>(j.history.size()));
    if (auto it = doc.find("history_start"); it != doc.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
            throw std::invalid_argument("field 'history_start' is not a positive whole number");
        j.history_start = it->get<std::int64_t>();
    }
    return j;
}

Pipeline pipeline_from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) throw std::invalid_argument("pipeline is not an object");
    return {required_string(doc, "uuid"), required_string(doc, "name"),
            optional_string(doc, "description").value_or(""),
            optional_string(doc, "created").value_or("")};
}

nlohmann::json to_json(const Pipeline& p) {
    return {
        {"uuid", p.uuid}, {"name", p.name}, {"description", p.description}, {"created", p.created}};
}

} // namespace pjm::core
