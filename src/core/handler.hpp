// core::Handler: the manager's behaviour in one place. classify → validate → authorize →
// lifecycle → one storage transaction. Local mode, `pjm handle` and `pjm serve` all call it.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/message.hpp"
#include "core/query.hpp"
#include "core/storage.hpp"
#include "core/token.hpp"
#include "core/typed_uuid.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

struct HandlerConfig {
    AdminConfig admin;
    std::string uuid_domain = std::string(k_default_uuid_domain);
};

// What became of a message the handler accepted (kind ok). Only platform callbacks are ever
// answered without a change (docs/protocol.md#callbacks).
enum class Disposition {
    applied,   // the change was made
    duplicate, // the sender's notification was recorded before: nothing changed
    stale,     // the job has moved past the reported status: nothing changed
    omitted,   // a report the history does not keep (CallbackFacts::keep): nothing changed
    unclaimed, // a scheduler's report of a job no PipelineJob claims: nothing changed
};
// "applied", "duplicate", "stale", "omitted", "unclaimed"
std::string_view to_string(Disposition d);

struct Outcome {
    ErrorKind kind = ErrorKind::ok;
    Disposition disposition = Disposition::applied;
    std::string message; // what happened, or why nothing did
    std::optional<MessageKind> message_kind;
    std::optional<Job> job;            // the job after the change, without history
    std::optional<HistoryEntry> entry; // the history entry this message appended
    // A callback's duplicate: the history entry its first delivery was recorded as.
    std::optional<std::string> duplicate_of;
    // A callback ahead of a lost step: the entries inferred and appended before `entry`.
    std::vector<HistoryEntry> inferred;
    std::optional<std::string> token; // the new job's token, for a create
    bool ok() const { return kind == ErrorKind::ok; }
    bool applied() const { return ok() && disposition == Disposition::applied; }
};

class Handler {
  public:
    Handler(Storage& storage, const Clock& clock, HandlerConfig config);

    // Raw bytes as they arrive (body text + URL query parameters).
    Outcome handle_raw(std::string_view body, const QueryParams& query);
    Outcome handle(const nlohmann::json& body, const QueryParams& query);
    Outcome handle(const Message& message);

    const UuidFactory& uuids() const { return m_uuids; }

  private:
    // `callback`: the message is a platform callback (its rules), or nothing (a command).
    Outcome on_event(const EventMessage& m, const CallbackFacts* callback);
    Outcome on_delete(const DeleteAction& m);
    Outcome on_create(const CreateAction& m);
    // A new job as `m` makes it (CREATED, its create entry, a new salt), not yet stored.
    Job new_job(const CreateAction& m, const std::string& uuid);
    bool is_admin(const std::optional<std::string>& token) const;
    bool is_job_token(const Job& job, const std::optional<std::string>& token) const;

    Storage& m_storage;
    const Clock& m_clock;
    HandlerConfig m_config;
    UuidFactory m_uuids;
};

} // namespace pjm::core
