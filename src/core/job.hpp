// The PipelineJob and Pipeline records (docs/protocol.md#job-record) and their JSON documents
// (never the salt).
#pragma once

#include "core/fsm.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

struct HistoryEntry {
    std::string uuid; // typed 108
    std::string name; // event name
    std::string date; // RFC 3339 with milliseconds, UTC
    nlohmann::json data = nlohmann::json::object();
};

struct Job {
    std::string uuid;
    std::string pipeline_uuid;
    std::string archive_path;
    std::optional<std::string> archive_system;
    nlohmann::json archive_patterns = nlohmann::json::array();
    nlohmann::json product_patterns = nlohmann::json::array();
    nlohmann::json data = nlohmann::json::object();
    std::optional<std::string> session;
    std::optional<std::string> agent;
    std::optional<std::string> task;
    State state = State::created;
    std::string last_event = "create";
    std::string created;
    std::string updated;
    std::string salt;    // never leaves the store except to check tokens
    bool visible = true; // false after a soft delete
    std::int64_t event_count = 0;
    std::vector<HistoryEntry> history; // filled only when asked for, maybe only a page of it
    std::int64_t history_start = 1;    // the number of history[0] (entries count from 1)
};

struct Pipeline {
    std::string uuid; // typed 106
    std::string name;
    std::string description;
    std::string created;
};

nlohmann::json to_json(const HistoryEntry& e);
// The job document of `status`, `event --json` and the jobs route: no salt, ever.
nlohmann::json to_document(const Job& job, bool with_history = true);
nlohmann::json to_json(const Pipeline& p);

// The inverse of to_document / to_json (for documents read back from a manager or an export);
// throws std::invalid_argument naming the field that is missing or malformed. The salt is
// read when present (exports carry it), otherwise left empty.
Job job_from_document(const nlohmann::json& doc);
HistoryEntry history_entry_from_json(const nlohmann::json& doc);
Pipeline pipeline_from_json(const nlohmann::json& doc);

} // namespace pjm::core
