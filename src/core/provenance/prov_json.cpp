#include "core/provenance/prov_json.hpp"

#include "core/fsm.hpp"

#include <string>

namespace pjm::core::provenance {

namespace {

using nlohmann::json;

json qualified(const std::string& name) {
    return {{"$", name}, {"type", "prov:QUALIFIED_NAME"}};
}

json typed(const std::string& value, const char* type) {
    return {{"$", value}, {"type", type}};
}

// A literal for prov:value: JSON scalars as they are, objects and arrays as JSON text.
json literal(const json& v) {
    if (v.is_string() || v.is_number() || v.is_boolean()) return v;
    return v.dump();
}

class Document {
  public:
    json doc = {{"prefix", {{"pjm", k_pjm_namespace}, {"uuid", "urn:uuid:"}}}};

    void add(const RunRecord& run) {
        const Job& job = run.job;
        const std::string activity = "uuid:" + job.uuid;
        const std::string local = "pjm:" + job.uuid + "/";
        RunSummary s = summarize(job);

        json a = {{"prov:type", qualified("pjm:PipelineJob")},
                  {"prov:label", "PipelineJob " + job.uuid +
                                     (run.pipeline ? " (" + run.pipeline->name + ")" : "")},
                  {"pjm:state", std::string(to_string(job.state))},
                  {"pjm:status", to_string(s.status)},
                  {"pjm:attempt", static_cast<int>(s.attempt)}};
        if (s.start) a["prov:startTime"] = *s.start;
        if (s.end) a["prov:endTime"] = *s.end;
        if (s.error) a["pjm:error"] = *s.error;
        if (job.session) a["pjm:session"] = *job.session;
        if (job.task) a["pjm:task"] = *job.task;
        if (!job.visible) a["pjm:hidden"] = true;
        doc["activity"][activity] = a;

        // The pipeline as the plan the job followed.
        const std::string plan = "uuid:" + job.pipeline_uuid;
        json p = {{"prov:type", qualified("prov:Plan")}};
        if (run.pipeline) {
            p["prov:label"] = run.pipeline->name;
            if (!run.pipeline->description.empty())
                p["pjm:description"] = run.pipeline->description;
        }
        doc["entity"][plan] = p;
        json assoc = {{"prov:activity", activity}, {"prov:plan", plan}};
        if (job.agent && !job.agent->empty()) {
            std::string agent = local + "agent";
            doc["agent"][agent] = {{"prov:type", qualified("prov:SoftwareAgent")},
                                   {"prov:label", *job.agent}};
            assoc["prov:agent"] = agent;
        }
        relation("wasAssociatedWith", std::move(assoc));

        if (job.data.is_object())
            for (auto it = job.data.begin(); it != job.data.end(); ++it) {
                if (it->is_null()) continue;
                std::string e = local + "parameter/" + fragment_encode(it.key());
                doc["entity"][e] = {{"prov:label", it.key()}, {"prov:value", literal(*it)}};
                relation("used", {{"prov:activity", activity}, {"prov:entity", e}});
            }

        if (s.status == RunStatus::completed && !job.archive_path.empty()) {
            std::string out = local + "archive";
            json e = {{"prov:type", qualified("pjm:Archive")}, {"prov:label", job.archive_path}};
            if (job.archive_system) e["pjm:archiveSystem"] = *job.archive_system;
            doc["entity"][out] = e;
            json g = {{"prov:entity", out}, {"prov:activity", activity}};
            if (s.end) g["prov:time"] = *s.end;
            relation("wasGeneratedBy", std::move(g));
        }

        add_history(job, activity, local);
    }

  private:
    void relation(const char* kind, json r) {
        doc[kind]["_:" + std::string(kind) + std::to_string(++counter_)] = std::move(r);
    }

    // Each event an activity of its instant that informed the job, and the one before it
    // informed it: the history as a chain.
    void add_history(const Job& job, const std::string& activity, const std::string& local) {
        auto states = states_after(job);
        std::string previous;
        for (std::size_t i = 0; i < job.history.size(); ++i) {
            const HistoryEntry& e = job.history[i];
            std::string id =
                local + "event/" + std::to_string(job.history_start + static_cast<std::int64_t>(i));
            json ev = {{"prov:type", qualified("pjm:Event")},
                       {"prov:label", e.name},
                       {"prov:startTime", e.date},
                       {"prov:endTime", e.date}};
            if (!e.uuid.empty()) ev["pjm:uuid"] = e.uuid;
            if (states[i]) ev["pjm:state"] = std::string(to_string(*states[i]));
            if (e.data.is_object() ? !e.data.empty() : !e.data.is_null())
                ev["pjm:data"] = typed(e.data.dump(), "xsd:string");
            doc["activity"][id] = ev;
            relation("wasInformedBy", {{"prov:informed", activity}, {"prov:informant", id}});
            if (!previous.empty())
                relation("wasInformedBy", {{"prov:informed", id}, {"prov:informant", previous}});
            previous = id;
        }
    }

    std::size_t counter_ = 0;
};

} // namespace

json prov_document(const std::vector<RunRecord>& runs) {
    Document d;
    for (const auto& r : runs)
        d.add(r);
    return d.doc;
}

} // namespace pjm::core::provenance
