#include "core/job.hpp"

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
    }
    return doc;
}

nlohmann::json to_json(const Pipeline& p) {
    return {
        {"uuid", p.uuid}, {"name", p.name}, {"description", p.description}, {"created", p.created}};
}

} // namespace pjm::core
