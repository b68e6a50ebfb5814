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
    r.erase("history_start"); // a record always holds the whole history
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

} // namespace pjm::store
