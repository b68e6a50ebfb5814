#include "store/records.hpp"

namespace pjm::store {

namespace {

using nlohmann::json;

template <typename F> auto converted(const char* what, F&& f) {
    try {
        return f();
    } catch (const core::StorageError&) {
        throw;
    } catch (const std::exception& e) {
        throw core::StorageError(std::string("malformed ") + what + " record: " + e.what());
    }
}

} // namespace

json job_record(const core::Job& job, bool with_history) {
    json r = core::to_document(job, with_history);
    r["salt"] = job.salt;
    return r;
}

core::Job job_from_record(const json& r) {
    return converted("job", [&] {
        core::Job j = core::job_from_document(r);
        if (!r.contains("salt")) throw std::invalid_argument("field 'salt' missing");
        return j;
    });
}

json pipeline_record(const core::Pipeline& p) {
    return core::to_json(p);
}

core::Pipeline pipeline_from_record(const json& r) {
    return converted("pipeline", [&] { return core::pipeline_from_json(r); });
}

json execution_record(const Execution& e) {
    return {{"id", e.id},
            {"actor_id", e.actor_id},
            {"status", e.status},
            {"exit_code", e.exit_code},
            {"start_time", e.start_time},
            {"end_time", e.end_time},
            {"message_kind", e.message_kind},
            {"job_uuid", e.job_uuid},
            {"log", e.log}};
}

Execution execution_from_record(const json& r) {
    return converted("execution", [&] {
        return Execution{
            r.at("id").get<std::string>(),           r.at("actor_id").get<std::string>(),
            r.at("status").get<std::string>(),       r.at("exit_code").get<int>(),
            r.at("start_time").get<std::string>(),   r.at("end_time").get<std::string>(),
            r.at("message_kind").get<std::string>(), r.at("job_uuid").get<std::string>(),
            r.at("log").get<std::string>()};
    });
}

json history_record(const core::HistoryEntry& e) {
    return core::to_json(e);
}

} // namespace pjm::store
