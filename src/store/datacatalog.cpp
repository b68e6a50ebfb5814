#include "store/datacatalog.hpp"

#include "core/fsm.hpp"
#include "core/hash.hpp"
#include "core/timefmt.hpp"
#include "core/typed_uuid.hpp"
#include "util/printable.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace pjm::store {

namespace {

using nlohmann::json;

// A document that cannot be imported: why (caught per document).
struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr std::size_t k_jobs_per_transaction = 200;

// "2019-04-10T15:31:05Z", "…05.123Z", "…05.123+00:00", "…05.123+0000": milliseconds since 1970.
std::optional<std::int64_t> parse_iso_date(const std::string& t) {
    int y, mo, d, h, mi, s;
    char tee;
    int used = 0;
    if (std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &tee, &h, &mi, &s,
                    &used) != 7 ||
        (tee != 'T' && tee != ' ') || used != 19)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t ms = 0;
    if (i < t.size() && t[i] == '.') {
        std::size_t start = ++i;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
            ++i;
        std::string frac = t.substr(start, i - start);
        if (frac.empty()) return std::nullopt;
        frac = (frac + "000").substr(0, 3);
        ms = std::stoll(frac);
    }
    std::int64_t offset_min = 0;
    if (i < t.size() && t[i] == 'Z') {
        ++i;
    } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
        int sign = t[i] == '-' ? -1 : 1;
        std::string rest = t.substr(i + 1);
        rest.erase(std::remove(rest.begin(), rest.end(), ':'), rest.end());
        if (rest.size() != 4 || rest.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        offset_min = sign * (std::stoi(rest.substr(0, 2)) * 60 + std::stoi(rest.substr(2)));
        i = t.size();
    }
    if (i != t.size()) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                       std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    auto day = sys_days(ymd);
    std::int64_t secs = duration_cast<seconds>(day.time_since_epoch()).count() + h * 3600 +
                        mi * 60 + s - offset_min * 60;
    return secs * 1000 + ms;
}

std::string uuid_text(const std::string& bytes) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        auto b = static_cast<unsigned char>(bytes[i]);
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

json convert(const json& v);

// One Extended JSON type wrapper ({"$date": …}, …) as plain JSON.
json wrapper(const std::string& key, const json& object) {
    const json& x = object.begin().value();
    auto text = [&](const json& j) -> std::string {
        if (!j.is_string()) throw Refused(key + " holds " + j.dump() + ", not text");
        return j.get<std::string>();
    };
    auto whole = [&](const std::string& s) -> std::int64_t {
        std::size_t used = 0;
        std::int64_t n = 0;
        try {
            n = std::stoll(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != s.size())
            throw Refused(key + " '" + s + "' is not a whole number");
        return n;
    };
    if (key == "$date") {
        std::optional<std::int64_t> ms;
        if (x.is_string())
            ms = parse_iso_date(x.get<std::string>());
        else if (x.is_object() && x.size() == 1 && x.contains("$numberLong"))
            ms = whole(text(x.at("$numberLong")));
        else if (x.is_number_integer())
            ms = x.get<std::int64_t>();
        if (!ms) throw Refused("$date " + x.dump() + " is not a date");
        return core::rfc3339_ms(*ms);
    }
    if (key == "$oid") return text(x);
    if (key == "$numberInt" || key == "$numberLong") return whole(text(x));
    if (key == "$numberDouble") {
        std::string s = text(x);
        if (s == "NaN" || s == "Infinity" || s == "-Infinity") return s;
        try {
            return std::stod(s);
        } catch (const std::exception&) {
            throw Refused("$numberDouble '" + s + "' is not a number");
        }
    }
    if (key == "$numberDecimal") return text(x);
    if (key == "$uuid") return text(x);
    if (key == "$binary") {
        std::string b64, subtype;
        if (x.is_object() && x.contains("base64")) { // canonical and relaxed (v2)
            b64 = text(x.at("base64"));
            subtype = x.contains("subType") ? text(x.at("subType")) : "";
        } else if (x.is_string() && object.contains("$type")) { // legacy
            b64 = x.get<std::string>();
            subtype = text(object.at("$type"));
        }
        auto bytes = core::base64_decode(b64);
        if ((subtype == "03" || subtype == "04" || subtype == "3" || subtype == "4") && bytes &&
            bytes->size() == 16)
            return uuid_text(*bytes);
        throw Refused("$binary of subtype '" + subtype + "' is not a UUID; pjm keeps no bytes");
    }
    throw Refused("the Extended JSON type " + key + " is not one pjm reads");
}

json convert(const json& v) {
    if (v.is_array()) {
        json out = json::array();
        for (const auto& e : v)
            out.push_back(convert(e));
        return out;
    }
    if (!v.is_object()) return v;
    if (!v.empty() && v.begin().key().size() > 1 && v.begin().key()[0] == '$' &&
        (v.size() == 1 || (v.size() == 2 && v.contains("$binary") && v.contains("$type"))))
        return wrapper(v.contains("$binary") ? "$binary" : v.begin().key(), v);
    json out = json::object();
    for (const auto& [k, e] : v.items())
        out[k] = convert(e);
    return out;
}

// The documents of one input: one a line, or one array.
std::vector<json> documents_of(const DatacatalogFile& f) {
    std::vector<json> docs;
    std::size_t first = f.text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return docs;
    if (f.text[first] == '[') {
        json all = json::parse(f.text, nullptr, false);
        if (all.is_discarded() || !all.is_array())
            throw DatacatalogError(f.name + ": begins with '[' but is not one JSON array (the "
                                            "form of mongoexport --jsonArray)");
        for (auto& d : all)
            docs.push_back(std::move(d));
        return docs;
    }
    std::size_t start = 0, line = 0;
    while (start < f.text.size()) {
        std::size_t end = f.text.find('\n', start);
        if (end == std::string::npos) end = f.text.size();
        ++line;
        std::string text = f.text.substr(start, end - start);
        start = end + 1;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        json d = json::parse(text, nullptr, false);
        if (d.is_discarded())
            throw DatacatalogError(f.name + ", line " + std::to_string(line) +
                                   ": not JSON (mongoexport writes one document a line, or "
                                   "one array with --jsonArray)");
        docs.push_back(std::move(d));
    }
    return docs;
}

std::string opt_text(const json& doc, const char* key, bool required) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
        if (required) throw Refused(std::string("it has no ") + key);
        return {};
    }
    if (!it->is_string()) throw Refused(std::string(key) + " is " + it->dump() + ", not text");
    return it->get<std::string>();
}

std::string date_of(const json& value, const std::string& what) {
    if (value.is_string()) {
        if (auto ms = core::parse_rfc3339_ms(value.get<std::string>()))
            return core::rfc3339_ms(*ms);
        if (auto ms = parse_iso_date(value.get<std::string>())) return core::rfc3339_ms(*ms);
    }
    throw Refused(what + " " + util::shortened(value.dump(), 60) + " is not a date");
}

// The fields of `doc` a mapping did not take, kept aside (nested _properties members by their
// dotted names).
json leftovers(const json& doc, const std::set<std::string>& taken) {
    json out = json::object();
    for (const auto& [k, v] : doc.items()) {
        if (k == "_properties" && v.is_object()) {
            for (const auto& [pk, pv] : v.items())
                if (!taken.count("_properties." + pk)) out["_properties." + pk] = pv;
            continue;
        }
        if (!taken.count(k)) out[k] = v;
    }
    return out;
}

struct Mapped {
    std::optional<core::Job> job;
    std::optional<core::Pipeline> pipeline;
    json aside = json::object();
};

Mapped map_job(const json& d) {
    Mapped m;
    core::Job j;
    j.uuid = opt_text(d, "uuid", true);
    if (!core::is_typed_uuid(j.uuid, core::UuidType::job))
        throw Refused("uuid " + j.uuid + " is not a PipelineJob UUID (107…)");
    j.pipeline_uuid = opt_text(d, "pipeline_uuid", true);
    if (!core::is_typed_uuid(j.pipeline_uuid, core::UuidType::pipeline))
        throw Refused("pipeline_uuid " + j.pipeline_uuid + " is not a pipeline UUID (106…)");
    if (!d.contains("archive_path") || !d.at("archive_path").is_string())
        throw Refused("it has no archive_path text (the original schema requires one)");
    j.archive_path = d.at("archive_path").get<std::string>();
    if (auto s = opt_text(d, "archive_system", false); !s.empty()) j.archive_system = s;
    if (!d.contains("data") || !d.at("data").is_object())
        throw Refused("its data is not an object (the original schema requires one)");
    j.data = d.at("data");
    for (const char* key : {"archive_patterns", "product_patterns"}) {
        auto it = d.find(key);
        if (it == d.end() || it->is_null()) continue;
        if (!it->is_array()) throw Refused(std::string(key) + " is not a list");
        for (const auto& p : *it)
            if (!p.is_string())
                throw Refused(std::string(key) + " holds " + p.dump() + ", not text");
        (std::string(key) == "archive_patterns" ? j.archive_patterns : j.product_patterns) = *it;
    }
    for (auto [key, field] :
         {std::pair<const char*, std::optional<std::string>*>{"session", &j.session},
          {"agent", &j.agent},
          {"task", &j.task}})
        if (auto s = opt_text(d, key, false); !s.empty()) *field = s;
    j.salt = opt_text(d, "_salt", false);
    if (j.salt.empty())
        throw Refused("it has no _salt: its job token could not be validated (pjm makes a job's "
                      "token from its salt and UUID, as the original did)");
    std::string state = opt_text(d, "state", true);
    auto parsed_state = core::parse_state(state);
    if (!parsed_state || core::to_string(*parsed_state) != state)
        throw Refused("state '" + util::shortened(state, 40) + "' is not a PipelineJob state");
    j.state = *parsed_state;
    auto h = d.find("history");
    if (h == d.end() || !h->is_array() || h->empty())
        throw Refused("it has no history (every original job has its create event)");
    std::size_t n = 0;
    for (const auto& e : *h) {
        ++n;
        std::string where = "history entry " + std::to_string(n);
        if (!e.is_object()) throw Refused(where + " is not an object");
        core::HistoryEntry entry;
        try {
            entry.uuid = opt_text(e, "uuid", true);
            std::string name = opt_text(e, "name", true);
            auto event = core::parse_event(name);
            if (!event) throw Refused("'" + util::shortened(name, 40) + "' is not an event");
            entry.name = std::string(core::to_string(*event));
            if (!e.contains("date")) throw Refused("it has no date");
            entry.date = date_of(e.at("date"), "its date");
        } catch (const Refused& r) {
            throw Refused(where + ": " + r.what());
        }
        if (!core::is_typed_uuid(entry.uuid, core::UuidType::event))
            throw Refused(where + ": uuid " + entry.uuid + " is not an event UUID (108…)");
        auto data = e.find("data");
        if (data != e.end() && !data->is_null() && !data->is_object())
            throw Refused(where + ": its data is not an object");
        if (data != e.end() && data->is_object()) entry.data = *data;
        for (const auto& [k, _] : e.items())
            if (k != "uuid" && k != "name" && k != "date" && k != "data")
                throw Refused(where + ": it has '" + k +
                              "', which the original schema does not "
                              "allow in an event");
        j.history.push_back(std::move(entry));
    }
    j.event_count = static_cast<std::int64_t>(j.history.size());
    j.last_event = j.history.back().name;
    const json& props = d.contains("_properties") && d.at("_properties").is_object()
                            ? d.at("_properties")
                            : json::object();
    std::set<std::string> taken = {"uuid",
                                   "pipeline_uuid",
                                   "archive_path",
                                   "archive_system",
                                   "data",
                                   "archive_patterns",
                                   "product_patterns",
                                   "session",
                                   "agent",
                                   "task",
                                   "_salt",
                                   "state",
                                   "history",
                                   "_visible",
                                   "updated",
                                   "last_event"};
    j.created = j.history.front().date;
    if (props.contains("created_date")) {
        j.created = date_of(props.at("created_date"), "_properties.created_date");
        taken.insert("_properties.created_date");
    }
    j.updated = j.history.back().date;
    if (d.contains("updated") && !d.at("updated").is_null())
        j.updated = date_of(d.at("updated"), "updated");
    else if (props.contains("modified_date"))
        j.updated = date_of(props.at("modified_date"), "_properties.modified_date");
    if (props.contains("modified_date")) taken.insert("_properties.modified_date");
    auto visible = d.find("_visible");
    if (visible != d.end() && !visible->is_null() && !visible->is_boolean())
        throw Refused("_visible is " + visible->dump() + ", not true or false");
    j.visible = visible == d.end() || visible->is_null() || visible->get<bool>();
    m.aside = leftovers(d, taken);
    m.job = std::move(j);
    return m;
}

Mapped map_pipeline(const json& d, const std::string& now) {
    Mapped m;
    core::Pipeline p;
    p.uuid = opt_text(d, "uuid", true);
    if (!core::is_typed_uuid(p.uuid, core::UuidType::pipeline))
        throw Refused("uuid " + p.uuid + " is not a pipeline UUID (106…)");
    p.name = opt_text(d, "name", true);
    if (p.name.empty()) throw Refused("its name is empty");
    p.description = opt_text(d, "description", false);
    p.created = now;
    std::set<std::string> taken = {"uuid", "name", "description"};
    if (d.contains("_properties") && d.at("_properties").is_object() &&
        d.at("_properties").contains("created_date")) {
        p.created = date_of(d.at("_properties").at("created_date"), "_properties.created_date");
        taken.insert("_properties.created_date");
    }
    m.aside = leftovers(d, taken);
    m.pipeline = std::move(p);
    return m;
}

std::string id_of(const json& doc) {
    if (doc.is_object())
        for (const char* key : {"_id", "uuid"})
            if (auto it = doc.find(key); it != doc.end()) {
                json v = it->is_object() && it->contains("$oid") ? it->at("$oid") : *it;
                return v.is_string() ? util::shortened(v.get<std::string>(), 64)
                                     : util::shortened(v.dump(), 64);
            }
    return "?";
}

} // namespace

json from_extended_json(const json& value) {
    try {
        return convert(value);
    } catch (const Refused& e) {
        throw DatacatalogError(e.what());
    }
}

DatacatalogReport import_datacatalog(Database* db, const std::vector<DatacatalogFile>& files,
                                     bool dry_run, bool skip_invalid) {
    if (!db && !dry_run) throw std::logic_error("an import needs a database");
    DatacatalogReport report;
    const std::string now =
        core::rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
    std::vector<core::Pipeline> pipelines;
    std::vector<core::Job> jobs;
    std::set<std::string> seen;
    std::set<std::string> pipelines_in_files;
    std::vector<std::pair<std::string, core::Job>> pending; // (where, job): pipeline checked last
    std::vector<std::string> pending_ids;
    for (const auto& f : files) {
        std::size_t n = 0;
        for (const json& raw : documents_of(f)) {
            ++n;
            ++report.documents;
            std::string where = f.name + ", document " + std::to_string(n);
            std::string id = id_of(raw);
            try {
                if (!raw.is_object()) throw Refused("not a JSON object");
                json doc = convert(raw);
                std::string uuid = doc.value("uuid", json("")).is_string()
                                       ? doc.value("uuid", std::string())
                                       : std::string();
                bool is_job =
                    uuid.rfind("107", 0) == 0 || (uuid.empty() && doc.contains("pipeline_uuid"));
                bool is_pipeline =
                    uuid.rfind("106", 0) == 0 || (uuid.empty() && doc.contains("components"));
                if (!is_job && !is_pipeline)
                    throw Refused("neither a PipelineJob (uuid 107…) nor a pipeline (uuid 106…)");
                Mapped m = is_job ? map_job(doc) : map_pipeline(doc, now);
                const std::string& key = is_job ? m.job->uuid : m.pipeline->uuid;
                if (!seen.insert(key).second) throw Refused(key + " is in the files twice");
                if (!m.aside.empty())
                    report.aside.push_back({is_job ? "job" : "pipeline", key, id, m.aside});
                if (is_job) {
                    pending.emplace_back(where, std::move(*m.job));
                    pending_ids.push_back(id);
                } else {
                    pipelines_in_files.insert(m.pipeline->uuid);
                    pipelines.push_back(std::move(*m.pipeline));
                }
            } catch (const Refused& e) {
                report.refused.push_back({where, id, e.what()});
            }
        }
    }
    // A job's pipeline is in the files or in the database.
    for (std::size_t i = 0; i < pending.size(); ++i) {
        const std::string& where = pending[i].first;
        core::Job& job = pending[i].second; // (not a structured binding: lambdas below take it)
        if (!pipelines_in_files.count(job.pipeline_uuid) &&
            !(db && db->get_pipeline(job.pipeline_uuid))) {
            report.refused.push_back({where, pending_ids[i],
                                      "its pipeline " + job.pipeline_uuid +
                                          " is neither in the files nor in the database: "
                                          "export the pipelines collection too"});
            report.aside.erase(
                std::remove_if(report.aside.begin(), report.aside.end(),
                               [&](const DatacatalogAside& a) { return a.uuid == job.uuid; }),
                report.aside.end());
            continue;
        }
        jobs.push_back(std::move(job));
    }
    for (const auto& a : report.aside)
        for (const auto& [k, _] : a.fields.items())
            ++report.aside_fields[a.kind + " " + k];
    // What is there already is left as it is.
    for (const auto& p : pipelines)
        (db && db->get_pipeline(p.uuid) ? report.pipelines_present : report.pipelines_new)++;
    for (const auto& j : jobs) {
        if (db && db->get_job(j.uuid, core::HistoryWindow::none())) {
            ++report.jobs_present;
        } else {
            ++report.jobs_new;
            report.events += j.history.size();
            if (!j.visible) ++report.hidden;
        }
    }
    if (dry_run || (!report.refused.empty() && !skip_invalid)) return report;
    Database& storage = *db;
    storage.write_batch([&] {
        for (const auto& p : pipelines)
            storage.add_pipeline(p);
        for (std::size_t start = 0; start < jobs.size(); start += k_jobs_per_transaction) {
            storage.write([&](core::StorageTx& tx) {
                for (std::size_t i = start;
                     i < std::min(jobs.size(), start + k_jobs_per_transaction); ++i)
                    if (!tx.load_job_for_update(jobs[i].uuid)) tx.insert_job(jobs[i]);
                return true;
            });
        }
    });
    if (report.jobs_new > 0) storage.refresh_statistics();
    report.written = true;
    return report;
}

} // namespace pjm::store
