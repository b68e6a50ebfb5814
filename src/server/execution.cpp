#include "server/execution.hpp"

#include "core/hash.hpp"
#include "core/kinds/kind.hpp"
#include "core/random.hpp"
#include "core/timefmt.hpp"
#include "util/printable.hpp"

#include <chrono>

namespace pjm::server {

namespace {

// The most of a handler's message an execution keeps as its log.
constexpr std::size_t k_log_max = 2048;

constexpr std::string_view k_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t k_id_length = 16;

std::optional<std::string> job_uuid_of(const core::Outcome& outcome,
                                       const std::optional<core::Message>& message) {
    if (outcome.job) return outcome.job->uuid;
    if (!message) return std::nullopt;
    return std::visit(
        [](const auto& m) -> std::optional<std::string> {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, core::CreateAction>)
                return std::nullopt;
            else if (m.uuid.empty()) // a scheduler's report no PipelineJob claims
                return std::nullopt;
            else
                return m.uuid;
        },
        message->body);
}

} // namespace

std::string new_execution_id() {
    // The time first (milliseconds since 1970, 7 base-62 digits, which sort as the alphabet
    // does), then random characters: ids made one after the other land side by side in the
    // executions table's index, so a commit of many messages rewrites one of its pages, not
    // one per message (random ids: a quarter of the bytes serve wrote per commit).
    constexpr std::size_t time_digits = 7;
    auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    std::string id(time_digits, '0');
    for (std::size_t i = time_digits; i-- > 0; ms /= k_alphabet.size())
        id[i] = k_alphabet[ms % k_alphabet.size()];
    while (id.size() < k_id_length) {
        for (std::uint8_t b : core::random_bytes(k_id_length)) {
            // 62 * 4 = 248: bytes from 248 up would favour the first characters.
            if (b >= 248 || id.size() == k_id_length) continue;
            id += k_alphabet[b % k_alphabet.size()];
        }
    }
    return id;
}

bool plausible_execution_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (k_alphabet.find(c) == std::string_view::npos && c != '-' && c != '_') return false;
    return true;
}

bool valid_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > 255) return false;
    for (char c : key)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

std::string idempotent_execution_id(std::string_view actor_id, std::string_view key) {
    std::string seed = "pjm idempotency key\n" + std::string(actor_id) + "\n" + std::string(key);
    std::string id;
    while (id.size() < k_id_length) {
        auto digest = core::sha256(seed);
        for (std::uint8_t b : digest)
            if (b < 248 && id.size() < k_id_length) id += k_alphabet[b % k_alphabet.size()];
        seed = core::to_hex(digest); // rarely needed: more bytes from the digest's digest
    }
    return id;
}

core::Outcome outcome_of(const store::Execution& e) {
    core::Outcome o;
    o.kind = core::ErrorKind::internal;
    for (auto kind : {core::ErrorKind::ok, core::ErrorKind::invalid, core::ErrorKind::not_found,
                      core::ErrorKind::unauthorized, core::ErrorKind::conflict,
                      core::ErrorKind::storage, core::ErrorKind::usage, core::ErrorKind::internal})
        if (core::exit_code(kind) == e.exit_code) {
            o.kind = kind;
            break;
        }
    o.message = e.log;
    o.message_kind = core::kind_named(e.message_kind);
    return o;
}

store::Execution make_execution(std::string id, std::string actor_id, const core::Outcome& outcome,
                                const std::optional<core::Message>& message, std::int64_t start_ms,
                                std::int64_t end_ms) {
    store::Execution e;
    e.id = std::move(id);
    e.actor_id = std::move(actor_id);
    e.status = "COMPLETE";
    e.exit_code = core::exit_code(outcome.kind);
    e.start_time = core::rfc3339_ms(start_ms);
    e.end_time = core::rfc3339_ms(end_ms);
    e.runtime = end_ms > start_ms ? (end_ms - start_ms) / 1000 : 0;
    if (outcome.message_kind)
        e.message_kind = std::string(core::to_string(*outcome.message_kind));
    else if (message)
        e.message_kind = std::string(core::to_string(message->kind));
    e.job_uuid = job_uuid_of(outcome, message).value_or("");
    // Kept for as long as the database: never more than a few lines, whatever was sent.
    e.log = util::shortened(outcome.message, k_log_max);
    return e;
}

nlohmann::json message_result(const store::Execution& execution, std::string_view body,
                              const core::Outcome& outcome, const Links& links) {
    nlohmann::json result = {
        {"execution_id", execution.id},
        {"msg", body},
        {"_links",
         {{"self", links.actor() + "/executions/" + execution.id},
          {"owner", links.profile(links.owner)},
          {"messages", links.actor() + "/messages"}}},
        {"exit_code", execution.exit_code},
        {"outcome", core::kind_name(outcome.kind)},
        {"kind", execution.message_kind.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(execution.message_kind)},
    };
    if (outcome.ok() && outcome.job) {
        result["job"] = core::to_document(*outcome.job, false);
        if (outcome.token) result["token"] = *outcome.token;
    }
    // What a platform's callback needs to stop retrying and to know why nothing changed
    // (docs/protocol.md#callbacks).
    if (outcome.ok()) {
        result["applied"] = outcome.applied();
        if (!outcome.applied()) result["disposition"] = core::to_string(outcome.disposition);
        if (outcome.duplicate_of) result["duplicate_of"] = *outcome.duplicate_of;
        if (!outcome.inferred.empty()) {
            result["inferred"] = nlohmann::json::array();
            for (const auto& e : outcome.inferred)
                result["inferred"].push_back(e.name);
        }
    }
    return result;
}

nlohmann::json execution_document(const store::Execution& e, const Links& links) {
    std::string self = links.actor() + "/executions/" + e.id;
    // Executions recorded before pjm kept who sent them say so.
    std::string executor = e.executor.empty() ? "unknown" : e.executor;
    auto or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    return {
        {"id", e.id},
        {"actor_id", e.actor_id},
        {"api_server", links.base},
        {"executor", executor},
        {"worker_id", or_null(e.worker_id)},
        {"message_received_time", e.start_time},
        {"start_time", e.start_time},
        {"finish_time", e.end_time},
        {"runtime", e.runtime}, // whole seconds; pjm handles a message in milliseconds
        {"cpu", 0},             // no container runs: nothing to meter (docs/protocol.md#executions)
        {"io", 0},
        {"status", e.status},
        {"exit_code", e.exit_code},
        // Abaco reports the state its container ended in; pjm's "container" is the handler.
        {"final_state",
         {{"Status", "exited"},
          {"Running", false},
          {"Paused", false},
          {"Restarting", false},
          {"OOMKilled", false},
          {"Dead", false},
          {"Pid", 0},
          {"ExitCode", e.exit_code},
          {"Error", ""},
          {"StartedAt", e.start_time},
          {"FinishedAt", e.end_time}}},
        {"message_kind", e.message_kind},
        {"job_uuid", e.job_uuid},
        {"_links", {{"self", self}, {"owner", links.profile(executor)}, {"logs", self + "/logs"}}},
    };
}

nlohmann::json executions_summary(const store::ExecutionPage& page, const Links& links) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : page.executions)
        items.push_back({{"id", e.id},
                         {"status", e.status},
                         {"start_time", e.start_time},
                         {"finish_time", e.end_time},
                         {"message_received_time", e.start_time},
                         // pjm's own, as in the execution: what the message was and did.
                         {"exit_code", e.exit_code},
                         {"message_kind", e.message_kind},
                         {"job_uuid", e.job_uuid}});
    return {
        {"actor_id", links.actor_id},
        {"api_server", links.base},
        {"owner", links.owner},
        {"executions", std::move(items)},
        {"total_executions", page.total},
        {"total_cpu", 0},
        {"total_io", 0},
        {"total_runtime", page.total_runtime},
        {"_links",
         {{"self", links.actor() + "/executions"}, {"owner", links.profile(links.owner)}}},
    };
}

nlohmann::json logs_document(const store::Execution& e, const Links& links) {
    std::string self = links.actor() + "/executions/" + e.id;
    return {
        {"logs", e.log},
        {"_links",
         {{"self", self + "/logs"}, {"owner", links.profile(links.owner)}, {"execution", self}}}};
}

} // namespace pjm::server
