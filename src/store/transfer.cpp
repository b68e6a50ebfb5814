#include "store/transfer.hpp"

#include "core/fsm.hpp"
#include "core/timefmt.hpp"
#include "store/records.hpp"
#include "util/printable.hpp"

#include <array>
#include <functional>
#include <set>
#include <string_view>
#include <vector>

namespace pjm::store {

namespace {

using nlohmann::json;

constexpr std::string_view k_format = "pjm-export";
constexpr int k_version = 1;
// The settings a database keeps (Storage has no way to list them).
constexpr std::array<std::string_view, 1> k_setting_keys = {"admin_secret"};
constexpr std::size_t k_jobs_per_transaction = 200;

void line(std::ostream& out, const json& record) {
    out << record.dump() << '\n';
    if (!out) throw core::StorageError("writing the export failed (disk full?)");
}

[[noreturn]] void bad(std::size_t n, const std::string& why) {
    throw ImportError("line " + std::to_string(n) + ": " + why);
}

// Reads line after line, parsed, numbered from 1.
template <typename F> void each_line(std::istream& in, F&& f) {
    std::string text;
    std::size_t n = 0;
    while (std::getline(in, text)) {
        ++n;
        if (text.empty()) bad(n, "empty line");
        json record;
        try {
            record = json::parse(text);
        } catch (const json::parse_error& e) {
            bad(n, std::string("not JSON: ") + e.what());
        }
        if (!record.is_object()) bad(n, "not a JSON object");
        f(n, record);
    }
    if (in.bad()) throw ImportError("reading the export failed");
}

std::string type_of(std::size_t n, const json& r) {
    auto t = r.find("type");
    if (t == r.end() || !t->is_string()) bad(n, "a record without a \"type\"");
    return t->get<std::string>();
}

json body(json r) {
    r.erase("type");
    r.erase("claims");
    return r;
}

// A job record's scheduler claims (claim key, claim); throws core::StorageError naming what is
// wrong.
std::vector<std::pair<std::string, core::SchedulerClaim>> claims_of(const json& r,
                                                                    const std::string& job) {
    std::vector<std::pair<std::string, core::SchedulerClaim>> out;
    auto it = r.find("claims");
    if (it == r.end()) return out;
    if (!it->is_array()) throw core::StorageError("job " + job + ": \"claims\" is not a list");
    for (const auto& c : *it) {
        auto text = [&](const char* key) -> const json* {
            auto f = c.is_object() ? c.find(key) : c.end();
            return c.is_object() && f != c.end() ? &*f : nullptr;
        };
        const json *key = text("key"), *claimed = text("claimed"), *cluster = text("cluster");
        if (!key || !key->is_string() || key->get_ref<const std::string&>().empty() || !claimed ||
            !claimed->is_string() ||
            !core::parse_rfc3339_ms(claimed->get_ref<const std::string&>()) ||
            (cluster && !cluster->is_null() && !cluster->is_string()))
            throw core::StorageError("job " + job + ": a claim needs a \"key\", an RFC 3339 " +
                                     "\"claimed\" and a \"cluster\" that is text or null, not " +
                                     c.dump());
        core::SchedulerClaim claim{job, std::nullopt, claimed->get<std::string>()};
        if (cluster && cluster->is_string()) claim.cluster = cluster->get<std::string>();
        out.emplace_back(key->get<std::string>(), std::move(claim));
    }
    return out;
}

// What a job record must be for the database to hold it as pjm would have made it: a salt (a
// job token is made from it: without one, anyone could make the token from the UUID), a
// history that begins with create and holds only lifecycle events with RFC 3339 dates, and a
// state and last event that its history leads to. Empty when it is; else what is wrong.
std::string job_problem(const core::Job& job) {
    if (job.salt.empty())
        return "job " + job.uuid + " has an empty salt: its token could be made by anyone";
    if (job.history.front().name != "create")
        return "job " + job.uuid + "'s history does not begin with create";
    core::State state = core::State::created;
    for (std::size_t i = 0; i < job.history.size(); ++i) {
        const core::HistoryEntry& e = job.history[i];
        std::string where = "job " + job.uuid + ", history entry " + std::to_string(i + 1);
        if (!core::parse_rfc3339_ms(e.date))
            return where + ": the date '" + util::shortened(e.date, 40) +
                   "' is not RFC 3339 (2026-01-31T12:00:00.000Z)";
        if (i == 0) continue;
        if (e.name == "create") return where + ": a second create";
        auto event = core::parse_event(e.name);
        if (!event || core::to_string(*event) != e.name)
            return where + ": '" + util::shortened(e.name, 40) + "' is not an event";
        auto next = core::transition(state, *event);
        if (!next)
            return where + ": " + e.name + " is not allowed in state " +
                   std::string(core::to_string(state));
        state = *next;
    }
    if (state != job.state)
        return "job " + job.uuid + " is in state " + std::string(core::to_string(job.state)) +
               " but its history leads to " + std::string(core::to_string(state));
    if (job.last_event != job.history.back().name)
        return "job " + job.uuid + "'s last event '" + util::shortened(job.last_event, 40) +
               "' is not the last entry of its history";
    return {};
}

// The first pass: the whole file is well formed and complete, and every job is one pjm could
// have made, of a pipeline in the file or `known` to the database.
TransferCounts check(std::istream& in, const std::function<bool(const std::string&)>& known) {
    TransferCounts seen;
    bool header = false, end = false, jobs_started = false;
    std::set<std::string> pipelines, jobs;
    each_line(in, [&](std::size_t n, const json& r) {
        if (end) bad(n, "a record after the end record");
        if (!header) {
            // (value() with a default of another type throws: compare as JSON.)
            if (r.value("format", json()) != json(k_format))
                bad(n, "not a pjm export (the first line must say \"format\": \"pjm-export\")");
            if (r.value("version", json()) != json(k_version))
                bad(n, "an export of format version " + r.value("version", json()).dump() +
                           "; this pjm reads version " + std::to_string(k_version) +
                           " (upgrade pjm)");
            header = true;
            return;
        }
        std::string type = type_of(n, r);
        if (type == "setting") {
            if (jobs_started || !pipelines.empty()) bad(n, "a setting after pipelines or jobs");
            if (!r.contains("key") || !r["key"].is_string() || !r.contains("value") ||
                !r["value"].is_string())
                bad(n, "a setting needs a string \"key\" and \"value\"");
            ++seen.settings;
        } else if (type == "pipeline") {
            if (jobs_started) bad(n, "a pipeline after the jobs");
            try {
                pipelines.insert(pipeline_from_record(body(r)).uuid);
            } catch (const core::StorageError& e) {
                bad(n, e.what());
            }
            ++seen.pipelines;
        } else if (type == "job") {
            jobs_started = true;
            core::Job job;
            try {
                job = job_from_record(body(r));
            } catch (const core::StorageError& e) {
                bad(n, e.what());
            }
            if (!r.contains("history")) bad(n, "job " + job.uuid + " has no \"history\"");
            if (job.history.empty()) bad(n, "job " + job.uuid + " has an empty history");
            if (job.history_start != 1)
                bad(n, "job " + job.uuid + " holds only a page of its history (from entry " +
                           std::to_string(job.history_start) +
                           "); pjm export writes whole histories");
            if (job.event_count != static_cast<std::int64_t>(job.history.size()))
                bad(n, "job " + job.uuid + " counts " + std::to_string(job.event_count) +
                           " events but its history holds " + std::to_string(job.history.size()));
            if (!jobs.insert(job.uuid).second) bad(n, "job " + job.uuid + " is in the file twice");
            if (!pipelines.count(job.pipeline_uuid) && !known(job.pipeline_uuid))
                bad(n, "job " + job.uuid + " names pipeline " + job.pipeline_uuid +
                           ", which is neither in the file nor in the database");
            if (std::string why = job_problem(job); !why.empty()) bad(n, why);
            try {
                seen.claims += claims_of(r, job.uuid).size();
            } catch (const core::StorageError& e) {
                bad(n, e.what());
            }
            ++seen.jobs;
            seen.events += job.history.size();
        } else if (type == "end") {
            for (auto [key, count] :
                 {std::pair<const char*, std::size_t>{"settings", seen.settings},
                  {"pipelines", seen.pipelines},
                  {"jobs", seen.jobs},
                  {"events", seen.events}})
                if (r.value(key, json()) != count)
                    bad(n, std::string("the end record counts ") + r.value(key, json()).dump() +
                               " " + key + " but the file holds " + std::to_string(count));
            // (Files of a pjm before claims were exported have no count of them, and none.)
            if (r.value("claims", json(0)) != seen.claims)
                bad(n, "the end record counts " + r.value("claims", json()).dump() +
                           " claims but the file holds " + std::to_string(seen.claims));
            end = true;
        } else {
            bad(n, "unknown record type '" + type + "'");
        }
    });
    if (!header) throw ImportError("the file is empty: not a pjm export");
    if (!end)
        throw ImportError("the file ends without its end record: it is truncated (an export "
                          "that did not finish?); nothing was imported");
    return seen;
}

} // namespace

TransferCounts export_ndjson(Database& storage, std::ostream& out, const std::string& exported_at) {
    TransferCounts c;
    line(out, {{"format", k_format},
               {"version", k_version},
               {"exported", exported_at},
               {"database", storage.describe()}});
    for (auto key : k_setting_keys) {
        if (auto value = storage.get_setting(std::string(key))) {
            line(out, {{"type", "setting"}, {"key", key}, {"value", *value}});
            ++c.settings;
        }
    }
    for (const auto& p : storage.list_pipelines()) {
        json r = pipeline_record(p);
        r["type"] = "pipeline";
        line(out, r);
        ++c.pipelines;
    }
    core::JobFilter all;
    all.include_hidden = true;
    for (const auto& listed : storage.find_jobs(all)) {
        auto job = storage.get_job(listed.uuid, core::HistoryWindow::all());
        if (!job) continue; // removed since the listing
        json r = job_record(*job, true);
        r["type"] = "job";
        if (auto claims = storage.job_claims(job->uuid); !claims.empty()) {
            json list = json::array();
            for (const auto& [key, claim] : claims)
                list.push_back({{"key", key},
                                {"cluster", claim.cluster ? json(*claim.cluster) : json()},
                                {"claimed", claim.claimed}});
            c.claims += claims.size();
            r["claims"] = std::move(list);
        }
        line(out, r);
        ++c.jobs;
        c.events += job->history.size();
    }
    line(out, {{"type", "end"},
               {"settings", c.settings},
               {"pipelines", c.pipelines},
               {"jobs", c.jobs},
               {"events", c.events},
               {"claims", c.claims}});
    out.flush();
    if (!out) throw core::StorageError("writing the export failed (disk full?)");
    return c;
}

namespace {

// Each record of a checked file after its header, in order.
void read_records(const std::function<std::unique_ptr<std::istream>()>& open,
                  const std::function<void(const json&)>& f) {
    auto in = open();
    bool header = true;
    each_line(*in, [&](std::size_t, const json& r) {
        if (header) {
            header = false;
            return;
        }
        f(r);
    });
}

} // namespace

ImportReport import_ndjson(Database& storage,
                           const std::function<std::unique_ptr<std::istream>()>& open,
                           bool keep_settings) {
    {
        // The whole file is checked before anything is written: a refused file changes nothing.
        auto in = open();
        check(*in, [&storage](const std::string& uuid) {
            return storage.get_pipeline(uuid).has_value();
        });
    }
    ImportReport report;
    struct Record {
        core::Job job;
        std::vector<std::pair<std::string, core::SchedulerClaim>> claims;
    };
    std::vector<Record> batch;
    auto flush = [&] {
        if (batch.empty()) return;
        TransferCounts added;
        std::size_t present = 0;
        storage.write([&](core::StorageTx& tx) {
            added = {}; // the transaction may run more than once (a lost race)
            present = 0;
            for (const auto& [job, claims] : batch) {
                if (tx.load_job_for_update(job.uuid)) {
                    ++present;
                    continue;
                }
                tx.insert_job(job);
                for (const auto& [key, claim] : claims)
                    tx.add_claim(key, claim);
                ++added.jobs;
                added.events += job.history.size();
                added.claims += claims.size();
            }
            return true;
        });
        report.jobs_present += present;
        report.imported.jobs += added.jobs;
        report.imported.events += added.events;
        report.imported.claims += added.claims;
        batch.clear();
    };
    // One transaction for the whole file (pjm serve's group commit: each group of jobs a
    // savepoint): a file is imported whole or not at all, whatever stops it. A lost race runs
    // it again from the start, which the counts allow.
    storage.write_batch([&] {
        report = ImportReport{};
        batch.clear();
        read_records(open, [&](const json& r) {
            std::string type = r.at("type").get<std::string>();
            if (type == "setting") {
                if (keep_settings) return;
                storage.set_setting(r.at("key").get<std::string>(),
                                    r.at("value").get<std::string>());
                ++report.imported.settings;
            } else if (type == "pipeline") {
                if (storage.add_pipeline(pipeline_from_record(body(r))))
                    ++report.imported.pipelines;
                else
                    ++report.pipelines_present;
            } else if (type == "job") {
                core::Job job = job_from_record(body(r));
                auto claims = claims_of(r, job.uuid);
                batch.push_back({std::move(job), std::move(claims)});
                if (batch.size() == k_jobs_per_transaction) flush();
            }
        });
        flush();
    });
    if (report.imported.jobs > 0) storage.refresh_statistics();
    return report;
}

} // namespace pjm::store
