// pjm export / import: SQLite → PostgreSQL → SQLite loses nothing, and a bad file changes
// nothing.
#include "core/handler.hpp"
#include "store/records.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"
#include "test_databases.hpp"

#include <functional>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

namespace pjm::store {
namespace {

using nlohmann::json;

std::string export_text(store::Database& s) {
    std::ostringstream out;
    export_ndjson(s, out, "2026-11-28T00:00:00.000Z");
    return out.str();
}

// Everything but the first line (when and from where it was exported).
std::string records(const std::string& text) {
    return text.substr(text.find('\n') + 1);
}

ImportReport import_text(store::Database& s, const std::string& text, bool keep = false) {
    return import_ndjson(
        s, [&] { return std::make_unique<std::istringstream>(text); }, keep);
}

// A database with a bit of everything: two pipelines, a job through several events with
// awkward data, a hidden job, settings.
void fill(store::Database& s) {
    core::FixedClock clock{1'790'000'000'000};
    core::HandlerConfig cfg;
    cfg.admin = {"secret", "k", 3600};
    core::Handler h(s, clock, cfg);
    std::string p1 = h.uuids().pipeline_uuid("one"), p2 = h.uuids().pipeline_uuid("two");
    ASSERT_TRUE(s.add_pipeline({p1, "one", "the first, ünïcode", "2026-01-01T00:00:00.000Z"}));
    ASSERT_TRUE(s.add_pipeline({p2, "two", "", "2026-01-02T00:00:00.000Z"}));
    for (int n = 0; n < 5; ++n) {
        auto o = h.handle(json{{"pipeline_uuid", n % 2 ? p1 : p2},
                               {"archive_path", "/a/" + std::to_string(n)},
                               {"data", {{"n", n}, {"f", 0.1 * n}, {"s", "✓ \"q\" \\"}}},
                               {"session", "s-" + std::to_string(n)}},
                          {});
        ASSERT_TRUE(o.ok()) << o.message;
        for (const char* e : {"run", "update", "finish"}) {
            clock.advance_ms(7);
            auto r = h.handle(json{{"uuid", o.job->uuid},
                                   {"name", e},
                                   {"token", *o.token},
                                   {"data", {{"e", e}, {"big", 9007199254740993LL}}}},
                              {});
            ASSERT_TRUE(r.ok()) << r.message;
        }
        if (n == 3) {
            auto d = h.handle(json{{"uuid", o.job->uuid},
                                   {"action", "delete"},
                                   {"token", core::admin_token(cfg.admin, clock.now_s())}},
                              {});
            ASSERT_TRUE(d.ok()) << d.message;
        }
    }
}

TEST(Transfer, SqliteToPostgresToSqliteLosesNothing) {
    test::TestDatabase a("sqlite"), b("postgres"), c("sqlite");
    auto sa = open(a.url());
    fill(*sa);
    std::string first = export_text(*sa);

    auto sb = open(b.url());
    ImportReport rb = import_text(*sb, first);
    EXPECT_EQ(rb.imported.pipelines, 2u);
    EXPECT_EQ(rb.imported.jobs, 5u);
    EXPECT_EQ(rb.imported.events, 20u);
    EXPECT_EQ(rb.imported.settings, 1u);
    std::string second = export_text(*sb);
    EXPECT_EQ(records(second), records(first));

    auto sc = open(c.url());
    import_text(*sc, second);
    std::string third = export_text(*sc);
    EXPECT_EQ(records(third), records(first));

    // The same jobs, salts (hence tokens) and admin secret on every side.
    EXPECT_EQ(sb->get_setting("admin_secret"), sa->get_setting("admin_secret"));
    EXPECT_EQ(sc->get_setting("admin_secret"), sa->get_setting("admin_secret"));
    core::JobFilter all;
    all.include_hidden = true;
    for (const auto& j : sa->find_jobs(all)) {
        auto there = sb->get_job(j.uuid, core::HistoryWindow::all());
        ASSERT_TRUE(there);
        EXPECT_EQ(job_record(*there), job_record(*sa->get_job(j.uuid, core::HistoryWindow::all())));
    }
    EXPECT_EQ(sb->find_jobs({}).size(), 4u) << "the hidden job stays hidden";
}

TEST(Transfer, ImportingTwiceAddsNothing) {
    test::TestDatabase a("sqlite"), b("postgres");
    auto sa = open(a.url());
    fill(*sa);
    std::string text = export_text(*sa);
    auto sb = open(b.url());
    import_text(*sb, text);
    ImportReport again = import_text(*sb, text);
    EXPECT_EQ(again.imported.jobs, 0u);
    EXPECT_EQ(again.imported.pipelines, 0u);
    EXPECT_EQ(again.jobs_present, 5u);
    EXPECT_EQ(again.pipelines_present, 2u);
    EXPECT_EQ(records(export_text(*sb)), records(text));
}

TEST(Transfer, KeepSettingsKeepsTheDatabasesSecret) {
    test::TestDatabase a("sqlite"), b("sqlite");
    auto sa = open(a.url());
    fill(*sa);
    auto sb = open(b.url());
    auto own = sb->get_setting("admin_secret");
    import_text(*sb, export_text(*sa), true);
    EXPECT_EQ(sb->get_setting("admin_secret"), own);
}

TEST(Transfer, BadFilesChangeNothing) {
    test::TestDatabase a("sqlite"), b("sqlite");
    auto sa = open(a.url());
    fill(*sa);
    std::string good = export_text(*sa);
    auto sb = open(b.url());
    std::string before = export_text(*sb);
    std::string truncated = good.substr(0, good.rfind('\n', good.size() - 2) + 1); // no end
    std::string lines_only = records(good);
    std::string bad_count = good;
    bad_count.replace(bad_count.rfind("\"jobs\":5"), 8, "\"jobs\":6");
    std::string garbage = good;
    garbage.insert(garbage.find("\n{\"type\":\"job\"") + 1, "not json\n");
    for (const auto& [what, text] : std::vector<std::pair<std::string, std::string>>{
             {"empty", ""},
             {"truncated", truncated},
             {"no header", lines_only},
             {"wrong count", bad_count},
             {"garbage line", garbage},
             {"newer format", "{\"format\":\"pjm-export\",\"version\":2}\n"},
             // Found by fuzz_import: a format or version of another JSON type threw from
             // nlohmann's value() instead of being refused.
             {"format as a number", "{\"format\":1,\"version\":1}\n"},
             {"version as text", "{\"format\":\"pjm-export\",\"version\":\"1\"}\n"}}) {
        EXPECT_THROW(import_text(*sb, text), ImportError) << what;
        EXPECT_EQ(export_text(*sb), before) << what << " changed the database";
    }
}

// Records that parse but that pjm would never have written: each file is refused whole, naming
// its line and what is wrong, and the database (pipelines included) is unchanged.
TEST(Transfer, JobsPjmWouldNotHaveMadeAreRefusedBeforeAnythingIsWritten) {
    test::TestDatabase a("sqlite"), b("sqlite");
    auto sa = open(a.url());
    fill(*sa);
    std::string good = export_text(*sa);
    auto sb = open(b.url());
    std::string before = export_text(*sb);
    // Changes the first job record (its JSON) and returns the whole file.
    auto with_first_job = [&](const std::function<void(json&)>& change) {
        std::istringstream in(good);
        std::string line, out;
        bool done = false;
        while (std::getline(in, line)) {
            json r = json::parse(line);
            if (!done && r.value("type", "") == "job") {
                change(r);
                done = true;
                line = r.dump();
            }
            out += line + "\n";
        }
        return out;
    };
    auto job = [](json& r) -> json& { return r.contains("job") ? r["job"] : r; };
    auto history = [&](json& r) -> json& { return r["history"]; };
    std::string no_pipelines;
    {
        std::istringstream in(good);
        std::string line;
        while (std::getline(in, line))
            if (json::parse(line).value("type", "") != "pipeline") no_pipelines += line + "\n";
        no_pipelines.replace(no_pipelines.rfind("\"pipelines\":2"), 13, "\"pipelines\":0");
    }
    std::string twice; // the first job's line twice, and the end record counting it twice
    {
        std::istringstream in(good);
        std::string line;
        std::size_t events = 0;
        bool doubled = false;
        while (std::getline(in, line)) {
            json r = json::parse(line);
            if (!doubled && r.value("type", "") == "job") {
                twice += line + "\n";
                events = r["history"].size();
                doubled = true;
            }
            if (r.value("type", "") == "end") {
                r["jobs"] = r["jobs"].get<std::size_t>() + 1;
                r["events"] = r["events"].get<std::size_t>() + events;
                line = r.dump();
            }
            twice += line + "\n";
        }
    }
    for (const auto& [what, text, why] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"empty salt", with_first_job([&](json& r) { job(r)["salt"] = ""; }), "empty salt"},
             {"unknown event", with_first_job([&](json& r) { history(r)[1]["name"] = "launch"; }),
              "'launch' is not an event"},
             {"a date that is not one",
              with_first_job([&](json& r) { history(r)[1]["date"] = "yesterday"; }),
              "'yesterday' is not RFC 3339"},
             {"a state its history does not lead to",
              with_first_job([&](json& r) { job(r)["state"] = "VALIDATED"; }),
              "but its history leads to FINISHED"},
             {"an event its state did not allow",
              with_first_job([&](json& r) { history(r)[2]["name"] = "validate"; }),
              "validate is not allowed in state RUNNING"},
             {"a job twice", twice, "is in the file twice"},
             {"a job of a pipeline nowhere", no_pipelines,
              "neither in the file nor in the database"}}) {
        try {
            import_text(*sb, text);
            ADD_FAILURE() << what << ": imported";
        } catch (const ImportError& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos)
                << what << ": " << e.what();
        }
        EXPECT_EQ(export_text(*sb), before) << what << " changed the database";
    }
}

} // namespace
} // namespace pjm::store
