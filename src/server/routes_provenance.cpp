// GET /actors/v2/<actorId>/jobs/<uuid>/ro-crate (ro-crate-metadata.json of a Process Run Crate
// 0.5, application/ld+json) and GET …/jobs/<uuid>/prov (W3C PROV-JSON): a job's provenance
// (docs/provenance.md), with the credentials the jobs route takes. The document itself is the
// body, not an envelope, so that `curl -o ro-crate-metadata.json` makes the crate; a refusal
// comes in the envelope as on every route.
#include "core/provenance/prov_json.hpp"
#include "core/provenance/ro_crate.hpp"
#include "server/envelope.hpp"
#include "server/routes.hpp"

namespace pjm::server {

namespace {

// A document holds the whole history, some 600 bytes an event: over HTTP, jobs of at most this
// many events (about 12 MB), so that one reply stays bounded; `pjm export --format` where the
// database is has no such bound.
constexpr std::int64_t k_events_max = 20000;

core::Result<core::provenance::RunRecord> read_record(ServerContext& ctx, const Request& req) {
    auto storage = ctx.reads.acquire();
    auto head = core::read_job(*storage, req.matches[2], core::HistoryWindow::none());
    if (!head.ok()) return core::Result<core::provenance::RunRecord>::fail(head.kind, head.message);
    if (head.value.event_count > k_events_max)
        return core::Result<core::provenance::RunRecord>::fail(
            core::ErrorKind::invalid,
            "job " + head.value.uuid + " has " + std::to_string(head.value.event_count) +
                " events; a provenance document over HTTP holds at most " +
                std::to_string(k_events_max) +
                ": write it where the database is, with pjm export --format ro-crate|prov-json");
    return core::provenance::read_run_record(*storage, req.matches[2]);
}

} // namespace

void get_job_ro_crate(ServerContext& ctx, const Request& req, Response& res) {
    auto record = read_record(ctx, req);
    if (!record.ok()) return reply(ctx, res, core::http_status(record.kind), record.message);
    res.status = 200;
    res.set_content(core::provenance::ro_crate_metadata({record.value}).dump(2) + "\n",
                    "application/ld+json; profile=\"https://w3id.org/ro/crate\"");
}

void get_job_prov(ServerContext& ctx, const Request& req, Response& res) {
    auto record = read_record(ctx, req);
    if (!record.ok()) return reply(ctx, res, core::http_status(record.kind), record.message);
    res.status = 200;
    res.set_content(core::provenance::prov_document({record.value}).dump(2) + "\n",
                    "application/json");
}

} // namespace pjm::server
