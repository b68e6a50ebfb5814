// The dry-run door: shows what would be applied or sent, credentials redacted; local dry runs
// check the message as the handler would parse and classify it. Nothing is touched or sent.
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "util/redact.hpp"

namespace pjm::cli {

namespace {

nlohmann::json redact_body(nlohmann::json body) {
    if (body.is_object() && body.contains("token")) body["token"] = util::k_redacted;
    return body;
}

std::string database_of(const Context& ctx) {
    return ctx.settings.get_or("database", default_database_path());
}

// The URL the remote door would POST to, with the message's parameters (a nonce as
// x-nonce=<redacted>), and its headers.
std::pair<std::string, nlohmann::json> shown_request(const Context& ctx,
                                                     const core::QueryParams& query) {
    std::string target = ctx.manager_url().value_or("");
    remote::Credentials creds = ctx.credentials();
    core::QueryParams shown = query;
    if (ctx.flags.sync) shown.add("_abaco_synchronous", "true");
    if (creds.nonce && !creds.bearer && !creds.tapis_token) shown.add("x-nonce", "-");
    if (target.empty()) target = "<no manager URL: set --url or PJM_URL>";
    if (!shown.empty())
        target += (target.find('?') == std::string::npos ? "?" : "&") + shown.encode();
    nlohmann::json headers = {{"Content-Type", "application/json"}};
    if (creds.bearer) headers["Authorization"] = "Bearer " + std::string(util::k_redacted);
    if (creds.tapis_token) headers["X-Tapis-Token"] = std::string(util::k_redacted);
    return {util::redact_url(target), headers};
}

} // namespace

std::string DryRunDoor::header() const {
    if (m_target == Target::database) return "apply to " + database_of(m_ctx) + "\n";
    auto [url, headers] = shown_request(m_ctx, {});
    std::string text = "POST " + url + " (one request per line)\n";
    for (const auto& [k, v] : headers.items())
        text += k + ": " + v.get<std::string>() + "\n";
    return text;
}

Delivery DryRunDoor::deliver(const remote::Outgoing& m) {
    Delivery d;
    d.uuid = named_job(m);
    if (m_target == Target::manager) {
        auto [url, headers] = shown_request(m_ctx, m.query);
        d.outcome = "would_send";
        d.message = "dry run: nothing sent";
        d.request = {
            {"method", "POST"}, {"url", url}, {"headers", headers}, {"body", redact_body(m.body)}};
        return d;
    }
    core::ParsedBody parsed = core::parse_body(m.text);
    if (!parsed.value) {
        d.kind = core::ErrorKind::invalid;
        d.outcome = outcome_name(d.kind, "");
        d.message = parsed.error;
        return d;
    }
    core::Classified c = core::classify(*parsed.value, m.query);
    if (!c.message) {
        d.kind = c.error.kind;
        d.outcome = outcome_name(d.kind, "");
        d.message = c.error.message;
        return d;
    }
    d.outcome = "would_apply";
    d.message = "dry run: the database was not touched";
    d.message_kind = std::string(core::to_string(c.message->kind));
    d.request = {{"database", database_of(m_ctx)}, {"body", redact_body(m.body)}};
    return d;
}

} // namespace pjm::cli
