// core/provenance: how a job's history becomes its run (attempt, start, end, status, error),
// the states each entry left, and the RO-Crate and PROV-JSON documents made from them.
#include "core/provenance/prov_json.hpp"
#include "core/provenance/ro_crate.hpp"
#include "core/provenance/run_record.hpp"

#include <gtest/gtest.h>

namespace pjm::core::provenance {
namespace {

Job job_with(std::vector<std::pair<std::string, nlohmann::json>> events, State state) {
    Job j;
    j.uuid = "107e1b4e-7870-5b9d-a8e2-fee208263fef";
    j.pipeline_uuid = "10659e76-6df0-5fc6-8282-8f3e38176d1a";
    j.archive_path = "/archive/run";
    j.state = state;
    int minute = 10;
    for (auto& [name, data] : events) {
        HistoryEntry e;
        e.name = name;
        e.date = "2026-06-01T09:" + std::to_string(minute++) + ":00.000Z";
        e.data = data;
        j.history.push_back(e);
    }
    j.updated = j.history.empty() ? "" : j.history.back().date;
    return j;
}

const nlohmann::json none = nlohmann::json::object();

TEST(RunSummary, FinishedRunStartsAtRunAndEndsAtItsFirstFinish) {
    auto j =
        job_with({{"create", none}, {"run", none}, {"finish", none}, {"finish", {{"slurm", 1}}}},
                 State::finished);
    auto s = summarize(j);
    EXPECT_EQ(s.status, RunStatus::completed);
    EXPECT_EQ(s.start, "2026-06-01T09:11:00.000Z");
    EXPECT_EQ(s.end, "2026-06-01T09:12:00.000Z");
    EXPECT_FALSE(s.error);
    EXPECT_EQ(s.attempt, 1u);
}

TEST(RunSummary, FailureTakesTheSendersMessageOrItsData) {
    auto j = job_with({{"create", none}, {"run", none}, {"fail", {{"message", "out of memory"}}}},
                      State::failed);
    EXPECT_EQ(summarize(j).status, RunStatus::failed);
    EXPECT_EQ(summarize(j).error, "out of memory");
    j = job_with({{"create", none}, {"run", none}, {"fail", {{"exit_code", 137}}}}, State::failed);
    EXPECT_EQ(summarize(j).error, R"({"exit_code":137})");
    j = job_with({{"create", none}, {"fail", none}}, State::failed);
    EXPECT_FALSE(summarize(j).error);
    EXPECT_FALSE(summarize(j).start) << "a job failed before it ran has no start time";
}

TEST(RunSummary, AResetStartsANewAttempt) {
    auto j = job_with({{"create", none},
                       {"run", none},
                       {"fail", none},
                       {"reset", none},
                       {"ready", none},
                       {"run", none}},
                      State::running);
    auto s = summarize(j);
    EXPECT_EQ(s.attempt, 2u);
    EXPECT_EQ(s.status, RunStatus::active);
    EXPECT_EQ(s.start, "2026-06-01T09:15:00.000Z");
    EXPECT_FALSE(s.end);
    j = job_with({{"create", none}, {"run", none}, {"fail", none}, {"reset", none}}, State::reset);
    EXPECT_EQ(summarize(j).status, RunStatus::potential);
    EXPECT_FALSE(summarize(j).start);
}

TEST(RunSummary, AFailAfterTheFinishDecides) {
    auto j = job_with({{"create", none},
                       {"run", none},
                       {"finish", none},
                       {"index", none},
                       {"fail", {{"reason", "index lost"}}}},
                      State::failed);
    EXPECT_EQ(summarize(j).status, RunStatus::failed);
    EXPECT_EQ(summarize(j).end, "2026-06-01T09:14:00.000Z");
    EXPECT_EQ(summarize(j).error, "index lost");
}

TEST(StatesAfter, ReplaysTheLifecycleAndStopsAtWhatItRefuses) {
    auto j = job_with({{"create", none},
                       {"run", none},
                       {"update", none},
                       {"finish", none},
                       {"UPDATED", none},
                       {"validate", none}},
                      State::validating);
    auto s = states_after(j);
    ASSERT_EQ(s.size(), 6u);
    EXPECT_EQ(s[0], State::created);
    EXPECT_EQ(s[2], State::running);
    EXPECT_EQ(s[3], State::finished);
    EXPECT_FALSE(s[4]) << "a legacy event name is not in the lifecycle";
    EXPECT_FALSE(s[5]) << "what follows an unknown state stays unknown";
}

TEST(FragmentEncode, KeepsUnreservedAndEscapesTheRest) {
    EXPECT_EQ(fragment_encode("sample_id-2.x~"), "sample_id-2.x~");
    EXPECT_EQ(fragment_encode("a b/c#é"), "a%20b%2Fc%23%C3%A9");
}

TEST(RoCrate, OneJobMakesAConformingGraph) {
    RunRecord r{job_with({{"create", none}, {"run", none}, {"finish", none}}, State::finished),
                Pipeline{"10659e76-6df0-5fc6-8282-8f3e38176d1a", "align", "", ""}};
    r.job.data = {{"sample", 7}, {"opts", {{"threads", 8}}}, {"gone", nullptr}};
    auto doc = ro_crate_metadata({r});
    std::map<std::string, nlohmann::json> by_id;
    for (auto& e : doc["@graph"])
        by_id[e["@id"]] = e;
    EXPECT_EQ(by_id["./"]["conformsTo"]["@id"], k_process_run_crate);
    EXPECT_EQ(by_id["./"]["datePublished"], r.job.updated);
    auto& a = by_id["urn:uuid:" + r.job.uuid];
    EXPECT_EQ(a["@type"], "CreateAction");
    EXPECT_EQ(a["instrument"]["@id"], "urn:uuid:" + r.job.pipeline_uuid);
    EXPECT_EQ(by_id[a["instrument"]["@id"]]["name"], "align");
    EXPECT_EQ(a["result"]["@id"], "#" + r.job.uuid + "-archive");
    ASSERT_EQ(a["object"].size(), 3u);
    EXPECT_EQ(by_id["#" + r.job.uuid + "-parameter-opts"]["value"], R"({"threads":8})");
    EXPECT_FALSE(by_id["#" + r.job.uuid + "-parameter-gone"].contains("value"))
        << "an unknown value is left out, not invented";
    auto& first = by_id["#" + r.job.uuid + "-history-1"];
    EXPECT_FALSE(first.contains("previousItem"));
    EXPECT_EQ(first["nextItem"]["@id"], "#" + r.job.uuid + "-history-2");
    EXPECT_EQ(by_id["#" + r.job.uuid + "-history-3"]["previousItem"]["@id"],
              "#" + r.job.uuid + "-history-2");
}

TEST(RoCrate, AnUnregisteredPipelineIsNamedByItsUuidOnly) {
    RunRecord r{job_with({{"create", none}}, State::created), std::nullopt};
    auto doc = ro_crate_metadata({r});
    for (auto& e : doc["@graph"])
        if (e["@type"] == "SoftwareApplication") {
            EXPECT_FALSE(e.contains("name"));
            EXPECT_EQ(e["identifier"], r.job.pipeline_uuid);
        } else if (e["@type"] == "CreateAction") {
            EXPECT_FALSE(e.contains("startTime"));
            EXPECT_FALSE(e.contains("result")) << "nothing made by a run that did not finish";
            EXPECT_EQ(e["actionStatus"]["@id"], "http://schema.org/PotentialActionStatus");
        }
}

TEST(ProvJson, JobActivityPlanAndGeneration) {
    RunRecord r{job_with({{"create", none}, {"run", none}, {"finish", none}}, State::finished),
                Pipeline{"10659e76-6df0-5fc6-8282-8f3e38176d1a", "align", "", ""}};
    r.job.agent = "https://actors.example/abc";
    auto d = prov_document({r});
    auto& a = d["activity"]["uuid:" + r.job.uuid];
    EXPECT_EQ(a["prov:startTime"], "2026-06-01T09:11:00.000Z");
    EXPECT_EQ(a["pjm:status"], "completed");
    EXPECT_EQ(d["entity"]["uuid:" + r.job.pipeline_uuid]["prov:type"]["$"], "prov:Plan");
    ASSERT_EQ(d["wasAssociatedWith"].size(), 1u);
    auto& assoc = d["wasAssociatedWith"].begin().value();
    EXPECT_EQ(assoc["prov:plan"], "uuid:" + r.job.pipeline_uuid);
    EXPECT_EQ(assoc["prov:agent"], "pjm:" + r.job.uuid + "/agent");
    ASSERT_EQ(d["wasGeneratedBy"].size(), 1u);
    EXPECT_EQ(d["wasGeneratedBy"].begin().value()["prov:time"], "2026-06-01T09:12:00.000Z");
    r.job = job_with({{"create", none}, {"run", none}, {"fail", none}}, State::failed);
    EXPECT_FALSE(prov_document({r}).contains("wasGeneratedBy"));
}

} // namespace
} // namespace pjm::core::provenance
