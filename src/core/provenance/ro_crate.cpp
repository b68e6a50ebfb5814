#include "core/provenance/ro_crate.hpp"

#include "core/fsm.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace pjm::core::provenance {

namespace {

using nlohmann::json;

json id_ref(const std::string& id) {
    return {{"@id", id}};
}

// A property holding one reference as an object and several as an array, as RO-Crate writes.
json refs(const std::vector<std::string>& ids) {
    if (ids.size() == 1) return id_ref(ids[0]);
    json out = json::array();
    for (const auto& id : ids)
        out.push_back(id_ref(id));
    return out;
}

json property_value(const std::string& id, const std::string& name, const json& value) {
    json pv = {{"@id", id}, {"@type", "PropertyValue"}, {"name", name}};
    if (value.is_string() || value.is_number() || value.is_boolean())
        pv["value"] = value;
    else if (!value.is_null())
        pv["value"] = value.dump();
    return pv;
}

// schema.org's ActionStatusType of a run: completed -> http://schema.org/CompletedActionStatus.
std::string status_iri(RunStatus s) {
    std::string name = to_string(s);
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    return "http://schema.org/" + name + "ActionStatus";
}

std::string action_id(const Job& job) {
    return "urn:uuid:" + job.uuid;
}

// Everything one job adds to the graph; `mentions` gets its action and its history list.
class JobGraph {
  public:
    JobGraph(const RunRecord& run, json& graph, std::set<std::string>& ids, json& mentions)
        : run_(run), job_(run.job), run_summary_(summarize(run.job)), graph_(graph), ids_(ids),
          mentions_(mentions), prefix_("#" + run.job.uuid + "-") {}

    void add() {
        std::string instrument = add_pipeline();
        json action = {{"@id", action_id(job_)},
                       {"@type", "CreateAction"},
                       {"name", name()},
                       {"description", description()},
                       {"instrument", id_ref(instrument)}};
        const RunSummary& s = run_summary_;
        if (s.start) action["startTime"] = *s.start;
        if (s.end) action["endTime"] = *s.end;
        action["actionStatus"] = id_ref(status_iri(s.status));
        if (s.error) action["error"] = *s.error;
        if (auto objects = add_parameters(); !objects.empty()) action["object"] = refs(objects);
        // What a run produced: its archive, once the run completed (a failed or unfinished
        // run's archive holds nothing it is known to have made).
        if (s.status == RunStatus::completed && !job_.archive_path.empty())
            action["result"] = id_ref(add_archive());
        action["identifier"] = refs(add_identifiers());
        emit(std::move(action));
        mentions_.push_back(id_ref(action_id(job_)));
        if (!job_.history.empty()) mentions_.push_back(id_ref(add_history()));
    }

  private:
    std::string name() const {
        std::string what = run_.pipeline ? run_.pipeline->name : job_.pipeline_uuid;
        return "PipelineJob " + job_.uuid + " (" + what + ")";
    }

    std::string description() const {
        const RunSummary& s = run_summary_;
        std::string d = "A run of the pipeline " +
                        (run_.pipeline ? "'" + run_.pipeline->name + "' " : std::string()) +
                        "tracked by pjm: " + std::string(to_string(job_.state)) + " after " +
                        std::to_string(job_.history.size()) + " recorded events";
        if (s.attempt > 1)
            d += "; this action describes attempt " + std::to_string(s.attempt) +
                 ", after a reset (the earlier attempts are in the history)";
        if (!job_.visible) d += "; the job is hidden (deleted) in its manager";
        return d + ".";
    }

    void emit(json entity) {
        const std::string& id = entity["@id"].get_ref<const std::string&>();
        if (ids_.insert(id).second) graph_.push_back(std::move(entity));
    }

    // The pipeline as the SoftwareApplication the run executed.
    std::string add_pipeline() {
        std::string id = "urn:uuid:" + job_.pipeline_uuid;
        json app = {{"@id", id}, {"@type", "SoftwareApplication"}};
        if (run_.pipeline) {
            app["name"] = run_.pipeline->name;
            if (!run_.pipeline->description.empty())
                app["description"] = run_.pipeline->description;
            if (!run_.pipeline->created.empty()) app["dateCreated"] = run_.pipeline->created;
        }
        app["identifier"] = job_.pipeline_uuid;
        emit(std::move(app));
        return id;
    }

    // The job's data (its parameters) as PropertyValues the action consumed.
    std::vector<std::string> add_parameters() {
        std::vector<std::string> ids;
        if (!job_.data.is_object()) return ids;
        for (auto it = job_.data.begin(); it != job_.data.end(); ++it) {
            std::string id = prefix_ + "parameter-" + fragment_encode(it.key());
            emit(property_value(id, it.key(), it.value()));
            ids.push_back(id);
        }
        return ids;
    }

    // Where the run archived its outputs.
    std::string add_archive() {
        std::string id = prefix_ + "archive";
        json d = {{"@id", id}, {"@type", "Dataset"}, {"name", job_.archive_path}};
        std::string where = "The folder the job archives its outputs to";
        if (job_.archive_system) where += ", on the storage system '" + *job_.archive_system + "'";
        d["description"] = where + ".";
        emit(std::move(d));
        return id;
    }

    // The job's own identifiers: UUID, and the session, agent and task it was given.
    std::vector<std::string> add_identifiers() {
        std::vector<std::string> ids;
        auto one = [&](const char* key, const std::optional<std::string>& value) {
            if (!value || value->empty()) return;
            std::string id = prefix_ + key;
            emit(property_value(id, key, *value));
            ids.push_back(id);
        };
        one("uuid", job_.uuid);
        one("session", job_.session);
        one("agent", job_.agent);
        one("task", job_.task);
        return ids;
    }

    // The history as an ItemList of ListItems linked by previousItem/nextItem, each holding the
    // UpdateAction one event was.
    std::string add_history() {
        std::string list_id = prefix_ + "history";
        auto states = states_after(job_);
        json elements = json::array();
        const std::size_t n = job_.history.size();
        for (std::size_t i = 0; i < n; ++i) {
            const HistoryEntry& e = job_.history[i];
            std::string pos = std::to_string(job_.history_start + static_cast<std::int64_t>(i));
            std::string event_id = prefix_ + "event-" + pos;
            json event = {{"@id", event_id},
                          {"@type", "UpdateAction"},
                          {"name", e.name},
                          {"endTime", e.date},
                          {"targetCollection", id_ref(action_id(job_))}};
            if (!e.uuid.empty()) event["identifier"] = "urn:uuid:" + e.uuid;
            if (states[i]) {
                std::string before = i == 0 ? std::string()
                                     : states[i - 1]
                                         ? std::string(to_string(*states[i - 1])) + " -> "
                                         : std::string();
                event["description"] = "state " + before + std::string(to_string(*states[i])) +
                                       " (event " + pos + " of " + std::to_string(n) + ")";
            }
            if (e.data.is_object() ? !e.data.empty() : !e.data.is_null()) {
                std::string data_id = event_id + "-data";
                emit(property_value(data_id, "data", e.data.dump()));
                event["object"] = id_ref(data_id);
            }
            emit(std::move(event));
            std::string item_id = prefix_ + "history-" + pos;
            json item = {{"@id", item_id},
                         {"@type", "ListItem"},
                         {"position", job_.history_start + static_cast<std::int64_t>(i)},
                         {"item", id_ref(event_id)}};
            if (i > 0)
                item["previousItem"] =
                    id_ref(prefix_ + "history-" +
                           std::to_string(job_.history_start + static_cast<std::int64_t>(i) - 1));
            if (i + 1 < n)
                item["nextItem"] =
                    id_ref(prefix_ + "history-" +
                           std::to_string(job_.history_start + static_cast<std::int64_t>(i) + 1));
            emit(std::move(item));
            elements.push_back(id_ref(item_id));
        }
        emit({{"@id", list_id},
              {"@type", "ItemList"},
              {"name", "History of PipelineJob " + job_.uuid},
              {"about", id_ref(action_id(job_))},
              {"numberOfItems", n},
              {"itemListOrder", "http://schema.org/ItemListOrderAscending"},
              {"itemListElement", elements}});
        return list_id;
    }

    const RunRecord& run_;
    const Job& job_;
    const RunSummary run_summary_; // the latest attempt, read from the history once
    json& graph_;
    std::set<std::string>& ids_;
    json& mentions_;
    std::string prefix_;
};

} // namespace

json ro_crate_metadata(const std::vector<RunRecord>& runs) {
    json graph = json::array();
    std::set<std::string> ids;
    json mentions = json::array();
    graph.push_back({{"@id", "ro-crate-metadata.json"},
                     {"@type", "CreativeWork"},
                     {"conformsTo", id_ref(k_ro_crate_spec)},
                     {"about", id_ref("./")}});
    std::string published;
    for (const auto& r : runs)
        published = std::max(published, r.job.updated);
    json root = {{"@id", "./"}, {"@type", "Dataset"}};
    if (runs.size() == 1) {
        root["name"] = "Provenance of PipelineJob " + runs[0].job.uuid;
        root["description"] =
            "How the PipelineJob " + runs[0].job.uuid +
            " ran: the pipeline it ran, its parameters, where it archived its outputs and every "
            "event its manager recorded, exported by pjm.";
    } else {
        root["name"] = "Provenance of " + std::to_string(runs.size()) + " PipelineJobs";
        root["description"] =
            "How these PipelineJobs ran: the pipelines they ran, their parameters, where they "
            "archived their outputs and every event their manager recorded, exported by pjm.";
    }
    if (!published.empty()) root["datePublished"] = published;
    root["conformsTo"] = id_ref(k_process_run_crate);
    graph.push_back(root);
    graph.push_back({{"@id", k_process_run_crate},
                     {"@type", "CreativeWork"},
                     {"name", "Process Run Crate"},
                     {"version", "0.5"}});
    ids = {"ro-crate-metadata.json", "./", k_process_run_crate};
    for (const auto& r : runs)
        JobGraph(r, graph, ids, mentions).add();
    graph[1]["mentions"] = mentions.size() == 1 ? mentions[0] : mentions;
    return {{"@context", k_ro_crate_context}, {"@graph", std::move(graph)}};
}

} // namespace pjm::core::provenance
