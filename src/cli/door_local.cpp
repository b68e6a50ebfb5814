// The local door: the message goes to core::Handler, as a manager would hand it over.
#include "cli/door.hpp"
#include "cli/present.hpp"
#include "core/handler.hpp"
#include "store/database.hpp"

namespace pjm::cli {

Delivery LocalDoor::deliver(const remote::Outgoing& m) {
    core::Outcome o =
        m.classified ? m_handler.handle(*m.classified) : m_handler.handle_raw(m.text, m.query);
    Delivery d;
    d.kind = o.kind;
    d.outcome = outcome_name(o.kind, "applied");
    // A platform callback that changed nothing: "duplicate" or "stale" (exit 0).
    if (o.ok() && !o.applied()) d.outcome = std::string(core::to_string(o.disposition));
    d.message = o.message;
    if (o.message_kind) d.message_kind = std::string(core::to_string(*o.message_kind));
    if (o.ok() && o.job) {
        d.uuid = o.job->uuid;
        if (m_documents) d.job = core::to_document(*o.job, false);
    } else {
        d.uuid = named_job(m);
    }
    d.token = o.token;
    return d;
}

void LocalDoor::group(const std::function<void()>& fn) {
    if (m_database)
        m_database->write_batch(fn);
    else
        fn();
}

} // namespace pjm::cli
