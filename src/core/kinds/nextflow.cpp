// NextflowWeblog: an event of a Nextflow run, as `nextflow run -with-weblog URL` (the nf-weblog
// plugin) posts it, a callback (docs/integrations.md#nextflow). The body is {runName, runId,
// event, utcTime, trace?, metadata?}: started and completed carry the workflow's metadata
// ({parameters, workflow}), the process events and error the task's trace record. The pjm job
// and its token are the URL's uuid and token parameters; `tasks` (failures, all, none) says
// which process events the history keeps.
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"
#include "core/typed_uuid.hpp"
#include "util/printable.hpp"

#include <array>

namespace pjm::core {

namespace {

using nlohmann::json;

// What the history keeps of the process events (tasks submitted, started, completed).
enum class Tasks { failures, all, none };

std::optional<Tasks> tasks_mode(const QueryParams& query, std::vector<std::string>& errors) {
    auto v = query.get("tasks");
    if (!v || *v == "failures") return Tasks::failures;
    if (*v == "all") return Tasks::all;
    if (*v == "none") return Tasks::none;
    errors.push_back("URL parameter tasks: '" + *v +
                     "' is not failures (the default), all or none");
    return std::nullopt;
}

// The fields of a trace record worth a history entry (Nextflow's trace report names them);
// the rest (script, environment, resource figures) stays in the execution's message.
json compact_task(const json& trace) {
    static constexpr std::array<const char*, 12> k_fields = {
        "task_id", "hash", "native_id", "process",  "name",         "tag",
        "status",  "exit", "attempt",   "duration", "error_action", "workdir"};
    json out = json::object();
    if (!trace.is_object()) return out;
    for (const char* key : k_fields)
        if (auto it = trace.find(key); it != trace.end() && !it->is_null()) out[key] = *it;
    return out;
}

bool task_failed(const json& trace) {
    auto status = trace.is_object() ? kinds::opt_string(trace, "status") : std::nullopt;
    return status && (*status == "FAILED" || *status == "ABORTED");
}

// What a started event tells of the run: where and what it runs (not the resolved config).
json run_facts(const json& workflow) {
    static constexpr std::array<const char*, 11> k_fields = {
        "commandLine", "projectDir", "launchDir", "workDir",    "revision", "commitId",
        "profile",     "userName",   "scriptId",  "repository", "container"};
    json out = json::object();
    if (!workflow.is_object()) return out;
    for (const char* key : k_fields)
        if (auto it = workflow.find(key); it != workflow.end() && !it->is_null()) out[key] = *it;
    if (auto m = workflow.find("manifest"); m != workflow.end() && m->is_object()) {
        json manifest = json::object();
        for (const char* key : {"name", "version"})
            if (auto it = m->find(key); it != m->end() && !it->is_null()) manifest[key] = *it;
        if (!manifest.empty()) out["manifest"] = std::move(manifest);
    }
    if (auto n = workflow.find("nextflow"); n != workflow.end() && n->is_object())
        if (auto v = n->find("version"); v != n->end() && !v->is_null())
            out["nextflow_version"] = *v;
    return out;
}

// What a completed event tells of the run's end.
json end_facts(const json& workflow) {
    json out = json::object();
    if (!workflow.is_object()) return out;
    for (const char* key : {"success", "exitStatus", "errorMessage", "duration", "complete"})
        if (auto it = workflow.find(key); it != workflow.end() && !it->is_null()) out[key] = *it;
    if (auto st = workflow.find("stats"); st != workflow.end() && st->is_object()) {
        json counts = json::object();
        for (const char* key :
             {"succeedCount", "cachedCount", "failedCount", "ignoredCount", "retriesCount"})
            if (auto it = st->find(key); it != st->end() && it->is_number()) counts[key] = *it;
        out["tasks"] = std::move(counts);
    }
    return out;
}

const json& member(const json& obj, const char* key) {
    static const json null;
    if (!obj.is_object()) return null;
    auto it = obj.find(key);
    return it == obj.end() ? null : *it;
}

// The job-creating mode (docs/integrations.md#nextflow): the URL names a pipeline, and each run
// (run id and name) is the job that pipeline and {"nextflow": {runId, runName}} make, created
// by the first of its events that arrives. Its archive path: the URL's archive_path, else the
// run's work folder when the event says it, else "nextflow:RUNNAME".
std::optional<CreateAction> run_job(const json& body, const QueryParams& query,
                                    std::vector<std::string>& errors) {
    for (const char* key : {"uuid", "token"})
        if (query.has(key))
            errors.push_back(std::string("URL parameter ") + key +
                             ": a URL that names a pipeline (the job-creating mode) names no "
                             "job; give either pipeline, or uuid and token");
    for (const char* key : {"pipeline", "archive_path"})
        if (query.count(key) > 1)
            errors.push_back(std::string("URL parameter ") + key + " is given more than once");
    std::string pipeline = query.get("pipeline").value_or("");
    if (!is_typed_uuid(pipeline, UuidType::pipeline))
        errors.push_back("URL parameter pipeline: '" +
                         util::printable(util::shortened(pipeline, 64)) +
                         "' is not a pipeline UUID (pjm pipeline list shows them)");
    auto archive = query.get("archive_path");
    if (archive && archive->empty()) errors.push_back("URL parameter archive_path is empty");
    if (!errors.empty()) return std::nullopt;
    CreateAction c;
    c.pipeline_uuid = pipeline;
    c.data = json{{"nextflow", {{"runId", body.at("runId")}, {"runName", body.at("runName")}}}};
    const json& workflow = member(member(body, "metadata"), "workflow");
    const json& work_dir = member(workflow, "workDir");
    if (archive)
        c.archive_path = *archive;
    else if (work_dir.is_string() && !work_dir.get<std::string>().empty())
        c.archive_path = work_dir.get<std::string>();
    else
        c.archive_path = "nextflow:" + body.at("runName").get<std::string>();
    return c;
}

KindRead read(const json& body, const QueryParams& query) {
    KindRead r;
    if (!body.is_object() || !(body.contains("runId") || body.contains("runName"))) {
        r.considered = false; // nothing of a Nextflow event: not worth naming in a refusal
        return r;
    }
    r.errors = schema_errors("nextflow", body);
    auto mode = tasks_mode(query, r.errors);
    const std::string event = body.value("event", "");
    const json& workflow = member(member(body, "metadata"), "workflow");
    const json& success = member(workflow, "success");
    if (r.errors.empty() && event == "completed" && !success.is_boolean())
        r.errors.push_back("/metadata/workflow/success: a completed event says whether the run "
                           "succeeded (true or false)");
    if (!r.errors.empty()) return r;
    EventMessage e;
    if (query.has("pipeline")) {
        auto create = run_job(body, query, r.errors);
        if (!create) return r;
        e.create_if_missing = std::move(create);
    } else {
        kinds::CallbackTarget target = kinds::callback_target(query);
        if (!target.event) {
            r.errors = std::move(target.errors);
            return r;
        }
        e = std::move(*target.event);
    }
    const json& trace = member(body, "trace");
    json run = {{"event", event}, {"runName", body.at("runName")}, {"runId", body.at("runId")}};
    if (auto t = kinds::opt_string(body, "utcTime")) run["utcTime"] = *t;
    e.data = json{{"nextflow", std::move(run)}};
    bool keep = true;
    std::string dedupe = "nextflow:" + body.at("runId").get<std::string>() + ":" +
                         body.at("runName").get<std::string>() + ":" + event;
    if (event == "started") {
        e.event = Event::run;
        e.data["workflow"] = run_facts(workflow);
        const json& params = member(member(body, "metadata"), "parameters");
        const json& old_params = member(member(body, "metadata"), "params"); // nf-weblog before 1.0
        if (params.is_object())
            e.data["parameters"] = params;
        else if (old_params.is_object())
            e.data["parameters"] = old_params;
    } else if (event == "completed") {
        e.event = success.get<bool>() ? Event::finish : Event::fail;
        e.data["workflow"] = end_facts(workflow);
    } else {
        // error, and the process events: an annotation of the task.
        e.event = Event::update;
        if (trace.is_object()) {
            e.data["task"] = compact_task(trace);
            if (auto id = trace.find("task_id"); id != trace.end() && !id->is_null())
                dedupe += ":" + (id->is_string() ? id->get<std::string>() : id->dump());
        }
        if (event != "error")
            keep = *mode == Tasks::all || (*mode == Tasks::failures && task_failed(trace));
    }
    CallbackFacts facts{"Nextflow", event, std::move(dedupe)};
    facts.keep = keep;
    r.message = Message{MessageKind::nextflow_weblog, e, std::move(facts)};
    return r;
}

bool looks_like(const json& body, const QueryParams&) {
    return body.is_object() && body.contains("runId") && body.contains("event");
}

} // namespace

const KindSpec& nextflow_kind() {
    static const KindSpec spec{MessageKind::nextflow_weblog,
                               "NextflowWeblog",
                               "nextflow",
                               Role::callback,
                               false,
                               looks_like,
                               read};
    return spec;
}

} // namespace pjm::core
