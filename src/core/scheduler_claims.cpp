#include "core/scheduler_claims.hpp"

namespace pjm::core {

std::string scheduler_claim_key(std::string_view scheduler, std::string_view job_id) {
    std::string key(scheduler);
    key += ':';
    key += job_id;
    return key;
}

std::optional<ClaimFromData> claim_in_run_data(const nlohmann::json& data) {
    if (!data.is_object()) return std::nullopt;
    auto s = data.find("scheduler");
    if (s == data.end() || !s->is_object()) return std::nullopt;
    auto name = s->find("name");
    auto id = s->find("job_id");
    if (name == s->end() || !name->is_string() || name->get<std::string>().empty() ||
        id == s->end())
        return std::nullopt;
    std::string job_id;
    if (id->is_string())
        job_id = id->get<std::string>();
    else if (id->is_number_unsigned())
        job_id = std::to_string(id->get<std::uint64_t>());
    else
        return std::nullopt;
    if (job_id.empty()) return std::nullopt;
    ClaimFromData c{scheduler_claim_key(name->get<std::string>(), job_id), std::nullopt};
    for (const char* where : {"cluster", "server"}) {
        auto w = s->find(where);
        if (w != s->end() && w->is_string() && !w->get<std::string>().empty()) {
            c.cluster = w->get<std::string>();
            break;
        }
    }
    return c;
}

std::optional<SchedulerClaim> claim_for(const std::vector<SchedulerClaim>& claims,
                                        const SchedulerJobRef& job) {
    for (const SchedulerClaim& c : claims)
        if (!c.cluster || !job.cluster || *c.cluster == *job.cluster) return c;
    return std::nullopt;
}

} // namespace pjm::core
