// POST …/jobcomp/<index>/<type>: Slurm's job completion records, as its jobcomp/elasticsearch
// plugin sends them (JobCompLoc=http://HOST:PORT/actors/v2/ACTOR/jobcomp/slurm/_doc?x-nonce=N;
// docs/integrations.md#slurm). Answered as Elasticsearch's index API answers: 200 or 201 is all
// the plugin counts as delivered; anything else keeps the record in slurmctld's state file and
// sends it again later. The record names a Slurm job, not a PipelineJob, and carries no job
// token: besides the credential every actors route checks, it is taken only from the
// addresses of --jobcomp-from.
#include "core/kinds/kind.hpp"
#include "server/routes.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstring>

namespace pjm::server {

namespace {

// The address's 16 bytes (IPv4 as IPv4-mapped IPv6), or nothing when it is not an address.
std::optional<std::array<unsigned char, 16>> address_bytes(const std::string& text) {
    std::array<unsigned char, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        return out;
    }
    return std::nullopt;
}

// The reply Elasticsearch's index API gives, with pjm's own fields (what became of the record).
nlohmann::json indexed(const std::string& index, const std::string& id, bool created) {
    return {{"_index", index},
            {"_id", id},
            {"_version", 1},
            {"result", created ? "created" : "noop"},
            {"_shards", {{"total", 1}, {"successful", 1}, {"failed", 0}}},
            {"_seq_no", 0},
            {"_primary_term", 1}};
}

void json_reply(Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=UTF-8");
}

// An Elasticsearch-shaped error ({"error": {"type", "reason"}, "status"}).
void es_error(Response& res, int status, std::string_view type, const std::string& reason) {
    json_reply(res, status, {{"error", {{"type", type}, {"reason", reason}}}, {"status", status}});
}

} // namespace

bool jobcomp_sender_allowed(const ServeConfig& config, const std::string& remote) {
    auto from = address_bytes(remote);
    if (!from) return false;
    for (const std::string& allowed : config.jobcomp_from)
        if (address_bytes(allowed) == from) return true;
    return false;
}

void start_jobcomp(ServerContext& ctx, const Request& req, Response& res, Finish finish) {
    auto t0 = std::chrono::steady_clock::now();
    auto refuse = [&](int status, std::string_view type, const std::string& why) {
        es_error(res, status, type, why);
        res.log_detail = "jobcomp refused: " + why;
        finish({});
    };
    if (ctx.config.jobcomp_from.empty())
        return refuse(404, "pjm_jobcomp_closed",
                      "this manager takes no Slurm job completion records: start pjm serve "
                      "with --jobcomp-from SLURMCTLD_ADDRESS to open the jobcomp route");
    if (!jobcomp_sender_allowed(ctx.config, req.remote_addr))
        return refuse(403, "security_exception",
                      "Slurm job completion records are taken only from the addresses of "
                      "--jobcomp-from, not from " +
                          req.remote_addr);
    // matches: the tree, the actor id, the index, the type (_doc).
    const std::string index = req.matches.size() > 2 ? req.matches[2] : "slurm";
    core::ParsedBody parsed = core::parse_body(req.body);
    Submission s;
    s.execution_id = new_execution_id();
    s.received_ms = ctx.clock.now_ms();
    s.executor = req.identity;
    s.worker_id = ctx.config.worker_id;
    if (!parsed.value) {
        s.refusal.kind = core::ErrorKind::invalid;
        s.refusal.message = parsed.error;
    } else {
        core::KindRead read = core::read_slurm_jobcomp(*parsed.value);
        if (read.message) {
            s.message = std::move(read.message);
        } else {
            s.refusal.kind = core::ErrorKind::invalid;
            s.refusal.message = "not a valid SlurmJobcomp record (a job completion record of "
                                "Slurm's jobcomp/elasticsearch plugin): ";
            for (std::size_t i = 0; i < read.errors.size(); ++i)
                s.refusal.message += (i ? "; " : "") + read.errors[i];
        }
    }
    ctx.writer.submit_async(std::move(s), [&ctx, &res, finish, index, t0](Handled h) {
        finish([&ctx, &res, index, t0, h = std::move(h)]() {
            const core::Outcome& o = h.outcome;
            double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::string_view outcome = o.applied() ? core::kind_name(o.kind)
                                       : o.ok()    ? core::to_string(o.disposition)
                                                   : core::kind_name(o.kind);
            ctx.metrics.message("SlurmJobcomp", outcome, seconds);
            res.log_detail = "execution " + (h.recorded ? h.execution.id : std::string("-")) +
                             " SlurmJobcomp " + std::string(outcome);
            if (ctx.config.verbose > 0) res.log_detail += ": " + o.message;
            if (!o.ok()) {
                int status = core::http_status(o.kind);
                es_error(res, status,
                         o.kind == core::ErrorKind::invalid
                             ? "mapper_parsing_exception"
                             : "pjm_" + std::string(core::kind_name(o.kind)),
                         o.message);
                // A storage failure saved nothing: the plugin sends the record again.
                if (o.kind == core::ErrorKind::storage) res.set_header("Retry-After", "1");
                return;
            }
            nlohmann::json body = indexed(index, h.execution.id, o.applied());
            body["pjm"] = {{"applied", o.applied()},
                           {"disposition", core::to_string(o.disposition)},
                           {"message", o.message}};
            if (o.job) body["pjm"]["job"] = o.job->uuid;
            json_reply(res, o.applied() ? 201 : 200, body);
        });
    });
}

} // namespace pjm::server
