#include "core/handler.hpp"

#include "core/callbacks.hpp"
#include "core/reads.hpp"
#include "core/scheduler_claims.hpp"
#include "core/schemas.hpp"
#include "core/timefmt.hpp"
#include "util/printable.hpp"

#include <fmt/format.h>

namespace pjm::core {

namespace {

Outcome fail(ErrorKind kind, std::string message) {
    Outcome o;
    o.kind = kind;
    o.message = std::move(message);
    return o;
}

Outcome not_found_job(const std::string& uuid) {
    Error e = job_not_found(uuid);
    return fail(e.kind, e.message);
}

Outcome pipeline_not_found(const std::string& uuid) {
    return fail(ErrorKind::not_found,
                fmt::format("pipeline {} not found; register it with 'pjm pipeline add' or check "
                            "'pjm pipeline list'",
                            uuid));
}

Outcome hidden_job(const std::string& uuid) {
    return fail(ErrorKind::conflict,
                fmt::format("job {} has been deleted (hidden); it takes no more events", uuid));
}

std::string state_list(const std::vector<State>& states) {
    std::string out;
    for (State s : states)
        out += (out.empty() ? "" : ", ") + std::string(to_string(s));
    return out;
}

// A callback answered without a change: ok, with the job as it is.
Outcome unchanged(Disposition d, const Job& job, std::string message) {
    Outcome o;
    o.disposition = d;
    o.message = std::move(message);
    o.job = job;
    return o;
}

// A platform's status as a reply may repeat it: at most k_echo_max bytes, printable.
std::string shown_status(const CallbackFacts& cb) {
    return util::printable(util::shortened(cb.status, k_echo_max));
}

std::string reported(const CallbackFacts& cb, Event e) {
    return fmt::format("{} status {} ({})", cb.sender, shown_status(cb), to_string(e));
}

// How many claims on one scheduler job id are read to find the one a report means: ids are
// reused (Slurm's wrap after 67 million jobs, or start again on a new cluster).
constexpr std::size_t k_claims_read = 16;

// A scheduler's report of a job no PipelineJob claims: acknowledged, not kept.
Outcome unclaimed(const CallbackFacts& cb, Event e) {
    Outcome o;
    o.disposition = Disposition::unclaimed;
    o.message = fmt::format(
        "{} is for {}{}, which no PipelineJob claims; nothing changed", reported(cb, e),
        util::printable(util::shortened(cb.scheduler_job->key, k_echo_max)),
        cb.scheduler_job->cluster
            ? " on cluster " +
                  util::printable(util::shortened(*cb.scheduler_job->cluster, k_echo_max))
            : std::string());
    return o;
}

} // namespace

std::string_view to_string(Disposition d) {
    switch (d) {
    case Disposition::applied:
        return "applied";
    case Disposition::duplicate:
        return "duplicate";
    case Disposition::stale:
        return "stale";
    case Disposition::omitted:
        return "omitted";
    case Disposition::unclaimed:
        return "unclaimed";
    }
    return "applied";
}

Handler::Handler(Storage& storage, const Clock& clock, HandlerConfig config)
    : m_storage(storage), m_clock(clock), m_config(std::move(config)),
      m_uuids(m_config.uuid_domain) {}

Outcome Handler::handle_raw(std::string_view body, const QueryParams& query) {
    ParsedBody parsed = parse_body(body);
    if (!parsed.value) return fail(ErrorKind::invalid, parsed.error);
    return handle(*parsed.value, query);
}

Outcome Handler::handle(const nlohmann::json& body, const QueryParams& query) {
    Classified c = classify(body, query);
    if (!c.message) return fail(c.error.kind, c.error.message);
    return handle(*c.message);
}

Outcome Handler::handle(const Message& message) {
    Outcome out;
    try {
        out = std::visit(
            [this, &message](const auto& m) -> Outcome {
                using T = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<T, EventMessage>)
                    return on_event(m, message.callback ? &*message.callback : nullptr);
                else if constexpr (std::is_same_v<T, DeleteAction>)
                    return on_delete(m);
                else
                    return on_create(m);
            },
            message.body);
    } catch (const StorageError& e) {
        out = fail(ErrorKind::storage, std::string("storage failure: ") + e.what());
    } catch (const std::exception& e) {
        out = fail(ErrorKind::internal, std::string("internal error: ") + e.what());
    }
    out.message_kind = message.kind;
    return out;
}

bool Handler::is_admin(const std::optional<std::string>& token) const {
    return token && admin_token_valid(m_config.admin, *token, m_clock.now_s());
}

bool Handler::is_job_token(const Job& job, const std::optional<std::string>& token) const {
    return token && constant_time_equal(*token, job_token(job.salt, job.uuid));
}

Outcome Handler::on_event(const EventMessage& m, const CallbackFacts* callback) {
    Outcome out;
    const bool by_claim = callback && callback->scheduler_job;
    const bool by_pipeline = m.create_if_missing.has_value();
    m_storage.write([&](StorageTx& tx) {
        // A scheduler's report names its own job: the PipelineJob is the one that claimed it.
        std::string uuid = m.uuid;
        if (by_claim) {
            auto claim = claim_for(tx.find_claims(callback->scheduler_job->key, k_claims_read),
                                   *callback->scheduler_job);
            if (!claim) {
                out = unclaimed(*callback, m.event);
                return false;
            }
            uuid = claim->job_uuid;
        }
        // A sender that names a pipeline: the job its create makes, made now if need be.
        bool created = false;
        if (by_pipeline)
            uuid = m_uuids.job_uuid(m.create_if_missing->pipeline_uuid, m.create_if_missing->data);
        auto job = tx.load_job_for_update(uuid);
        if (!job && by_pipeline) {
            if (!tx.find_pipeline(m.create_if_missing->pipeline_uuid)) {
                out = pipeline_not_found(m.create_if_missing->pipeline_uuid);
                return false;
            }
            Job fresh = new_job(*m.create_if_missing, uuid);
            tx.insert_job(fresh);
            fresh.history.clear();
            job = std::move(fresh);
            created = true;
        }
        if (!job) {
            out = not_found_job(uuid);
            return false;
        }
        std::string_view name = to_string(m.event);
        // The route that takes a scheduler's reports checked its sender's credential; they
        // carry no job token (docs/integrations.md#slurm).
        if (!m.token && !by_claim && !by_pipeline) {
            out = fail(ErrorKind::unauthorized,
                       fmt::format("event '{}' needs a token: the job's own token or an admin "
                                   "token (--token or PJM_TOKEN)",
                                   name));
            return false;
        }
        // The job's own token is checked first: one hash, where an admin token takes two
        // (this window's and the previous one's).
        bool own = by_claim || by_pipeline ? !is_admin_only(m.event)
                                           : !is_admin_only(m.event) && is_job_token(*job, m.token);
        bool admin = !own && is_admin(m.token);
        if (is_admin_only(m.event) && !admin) {
            out = fail(ErrorKind::unauthorized,
                       fmt::format("event '{}' needs a valid admin token; the token given is "
                                   "not one (see 'pjm token admin')",
                                   name));
            return false;
        }
        if (!admin && !own) {
            out = fail(ErrorKind::unauthorized,
                       fmt::format("token refused for job {}: it is neither this job's token "
                                   "nor a valid admin token",
                                   uuid));
            return false;
        }
        // A platform's retry of a notification it delivered before: its first answer stands.
        if (callback && !callback->dedupe_key.empty()) {
            if (auto first = tx.find_receipt(uuid, callback->dedupe_key)) {
                out = unchanged(Disposition::duplicate, *job,
                                fmt::format("{}: {} is a duplicate, recorded before as history "
                                            "entry {}; nothing changed",
                                            uuid, reported(*callback, m.event), *first));
                out.duplicate_of = *first;
                return false;
            }
        }
        // A report the sender counts itself and the history does not keep: checked as any
        // message up to here (job, token), then acknowledged.
        if (callback && !callback->keep) {
            out = unchanged(Disposition::omitted, *job,
                            fmt::format("{}: {} is not kept in the history; nothing changed", uuid,
                                        reported(*callback, m.event)));
            return false;
        }
        if (!job->visible) {
            if (!callback) {
                out = hidden_job(uuid);
                return false;
            }
            out = unchanged(Disposition::stale, *job,
                            fmt::format("{}: {} is stale: the job has been deleted (hidden); "
                                        "nothing changed",
                                        uuid, reported(*callback, m.event)));
            return false;
        }
        auto next = transition(job->state, m.event);
        std::vector<Event> steps; // a callback's lost steps, applied first
        if (!next && callback) {
            auto lost = inferred_steps(job->state, m.event);
            if (!lost) {
                out = unchanged(Disposition::stale, *job,
                                fmt::format("{}: {} is stale: the job is already {}; nothing "
                                            "changed",
                                            uuid, reported(*callback, m.event),
                                            to_string(job->state)));
                return false;
            }
            steps = *lost;
        }
        if (!next && !callback) {
            std::string allowed;
            for (Event e : allowed_events(job->state))
                allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(e));
            out = fail(ErrorKind::conflict,
                       fmt::format("event '{}' is not allowed in state {} (job {}); allowed "
                                   "from {}; in {} the job accepts: {}",
                                   name, to_string(job->state), uuid, state_list(sources(m.event)),
                                   to_string(job->state), allowed.empty() ? "nothing" : allowed));
            return false;
        }
        State before = job->state;
        std::string now = rfc3339_ms(m_clock.now_ms());
        auto append = [&](Event e, nlohmann::json data) {
            HistoryEntry entry{m_uuids.random_event_uuid(), std::string(to_string(e)), now,
                               std::move(data)};
            State to = *transition(job->state, e);
            tx.append_event(*job, entry, to);
            job->state = to;
            job->last_event = entry.name;
            job->updated = entry.date;
            job->event_count += 1;
            return entry;
        };
        std::string inferred_names;
        for (Event e : steps) {
            nlohmann::json why = {
                {"inferred", true},
                {"reason",
                 fmt::format("{} reported {} while the job was {}: the notification "
                             "of this step never arrived",
                             callback->sender, shown_status(*callback), to_string(before))}};
            out.inferred.push_back(append(e, std::move(why)));
            inferred_names += (inferred_names.empty() ? "" : ", ") + std::string(to_string(e));
        }
        HistoryEntry entry = append(m.event, m.data);
        if (callback && !callback->dedupe_key.empty())
            tx.add_receipt(uuid, callback->dedupe_key, entry.uuid, now);
        if (m.event == Event::run)
            if (auto claim = claim_in_run_data(m.data))
                tx.add_claim(claim->key, SchedulerClaim{uuid, claim->cluster, now});
        out.message =
            fmt::format("{} {}: {} -> {}", uuid, name, to_string(before), to_string(job->state));
        if (!steps.empty())
            out.message +=
                fmt::format(" ({} inferred first: its notification was lost)", inferred_names);
        if (created) out.message += " (the job was created for it)";
        out.job = std::move(*job);
        out.entry = std::move(entry);
        return true;
    });
    return out;
}

Outcome Handler::on_delete(const DeleteAction& m) {
    Outcome out;
    m_storage.write([&](StorageTx& tx) {
        auto job = tx.load_job_for_update(m.uuid);
        if (!job) {
            out = not_found_job(m.uuid);
            return false;
        }
        if (!is_admin(m.token)) {
            out = fail(ErrorKind::unauthorized,
                       m.token ? "delete needs a valid admin token; the token given is not one "
                                 "(see 'pjm token admin')"
                               : "delete needs an admin token (--token or PJM_TOKEN; see 'pjm "
                                 "token admin')");
            return false;
        }
        if (m.force) {
            tx.remove_job(m.uuid);
            out.message = fmt::format("{} removed with its history", m.uuid);
        } else {
            if (!job->visible) {
                out = fail(ErrorKind::conflict,
                           fmt::format("job {} is already deleted (hidden); use --force to "
                                       "remove it for good",
                                       m.uuid));
                return false;
            }
            job->updated = rfc3339_ms(m_clock.now_ms());
            job->visible = false;
            tx.hide_job(m.uuid, job->updated);
            out.message = fmt::format("{} deleted (hidden)", m.uuid);
        }
        out.job = std::move(*job);
        return true;
    });
    return out;
}

Job Handler::new_job(const CreateAction& m, const std::string& uuid) {
    Job job;
    job.uuid = uuid;
    job.pipeline_uuid = m.pipeline_uuid;
    job.archive_path = m.archive_path;
    job.archive_system = m.archive_system;
    job.data = m.data;
    job.session = m.session;
    job.state = State::created;
    job.last_event = "create";
    job.created = job.updated = rfc3339_ms(m_clock.now_ms());
    job.salt = new_salt();
    job.history.push_back(
        HistoryEntry{m_uuids.random_event_uuid(), "create", job.created, nlohmann::json::object()});
    job.event_count = 1;
    return job;
}

Outcome Handler::on_create(const CreateAction& m) {
    Outcome out;
    m_storage.write([&](StorageTx& tx) {
        if (!tx.find_pipeline(m.pipeline_uuid)) {
            out = pipeline_not_found(m.pipeline_uuid);
            return false;
        }
        std::string uuid = m_uuids.job_uuid(m.pipeline_uuid, m.data);
        if (auto existing = tx.load_job_for_update(uuid)) {
            out = fail(ErrorKind::conflict,
                       fmt::format("job {} already exists (state {}{}): the same pipeline and "
                                   "data always give the same job",
                                   uuid, to_string(existing->state),
                                   existing->visible ? "" : ", deleted"));
            return false;
        }
        Job job = new_job(m, uuid);
        tx.insert_job(job);
        out.token = job_token(job.salt, job.uuid);
        out.entry = job.history.front();
        out.message = fmt::format("{} created (CREATED)", uuid);
        job.history.clear();
        out.job = std::move(job);
        return true;
    });
    return out;
}

} // namespace pjm::core
