#include "cli/door.hpp"

#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/present.hpp"
#include "core/handler.hpp"

namespace pjm::cli {

remote::Outgoing outgoing(const nlohmann::json& body, const core::QueryParams& query) {
    remote::Outgoing m;
    try {
        m.text = body.dump();
    } catch (const nlohmann::json::type_error&) {
        throw CliError(core::ErrorKind::invalid,
                       "the message cannot be built: a value given on the command line (or "
                       "PJM_TOKEN) is not valid UTF-8");
    }
    m.body = body;
    m.query = query;
    return m;
}

nlohmann::json named_job(const remote::Outgoing& message) {
    std::string job = remote::describe_message(message.body, message.query).first;
    return job.empty() ? nlohmann::json(nullptr) : nlohmann::json(job);
}

const nlohmann::json& route_result(const remote::Reply& r, std::string_view route) {
    if (r.http_status == 404 || r.http_status == 405)
        throw CliError(core::ErrorKind::not_found,
                       "the manager has no " + std::string(route) +
                           " route (an older pjm serve, or a plain Abaco actor?): " + r.message);
    if (!r.ok()) throw CliError(r.kind, r.message);
    return r.result;
}

std::string outcome_name(core::ErrorKind kind, const char* done) {
    switch (kind) {
    case core::ErrorKind::ok:
        return done;
    case core::ErrorKind::queued:
        return "queued";
    case core::ErrorKind::invalid:
    case core::ErrorKind::not_found:
    case core::ErrorKind::unauthorized:
    case core::ErrorKind::conflict:
        return "refused";
    default:
        return "failed";
    }
}

std::unique_ptr<Door> open_door(Context& ctx) {
    if (ctx.flags.dry_run)
        return std::make_unique<DryRunDoor>(ctx, ctx.local() ? DryRunDoor::Target::database
                                                             : DryRunDoor::Target::manager);
    if (ctx.local()) return std::make_unique<LocalDoor>(ctx.handler(), &ctx.database());
    RemoteOptions options;
    options.sync = ctx.flags.sync;
    if (ctx.flags.wait) options.wait_seconds = ctx.flags.wait_seconds;
    return std::make_unique<RemoteDoor>(ctx.sender(), options,
                                        [&ctx](const std::string& l) { ctx.trace(l); });
}

int deliver(Context& ctx, const nlohmann::json& body, const core::QueryParams& query) {
    // Local mode applies that very text, as a manager would, so the limits on the whole message
    // (64 levels of nesting, --data included) are the same through every door.
    remote::Outgoing message = outgoing(body, query);
    return present(ctx, open_door(ctx)->deliver(message));
}

} // namespace pjm::cli
