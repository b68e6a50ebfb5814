#include "remote/abaco_client.hpp"

#include "remote/transport_abi.h"
#include "util/redact.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace pjm::remote {

namespace {

constexpr std::string_view k_messages = "/messages";

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

// Abaco's answer to a synchronous message: the logs as text/html (or a binary result as
// application/octet-stream), where every other reply is a JSON envelope.
bool synchronous_reply(const HttpResponse& r) {
    std::string type = r.header("Content-Type").value_or("");
    for (char& c : type)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type.rfind("text/html", 0) == 0 || type.rfind("application/octet-stream", 0) == 0;
}

} // namespace

core::ErrorKind kind_for_status(long status) {
    if (status >= 200 && status < 300) return core::ErrorKind::ok;
    switch (status) {
    case 400:
    case 413:
        return core::ErrorKind::invalid;
    case 401:
    case 403:
        return core::ErrorKind::unauthorized;
    case 404:
        return core::ErrorKind::not_found;
    case 409:
        return core::ErrorKind::conflict;
    default:
        return core::ErrorKind::remote;
    }
}

AbacoClient::AbacoClient(std::string messages_url, Credentials credentials, HttpOptions options,
                         RetryPolicy retry)
    : m_credentials(std::move(credentials)), m_http(options), m_retry(retry),
      m_trace(std::move(options.trace)) {
    auto q = messages_url.find('?');
    if (q != std::string::npos) {
        auto parsed = core::QueryParams::parse(messages_url.substr(q + 1));
        if (!parsed) throw std::invalid_argument("the manager URL has a malformed query string");
        m_base_query = *parsed;
        messages_url.resize(q);
    }
    while (!messages_url.empty() && messages_url.back() == '/')
        messages_url.pop_back();
    if (messages_url.size() >= k_messages.size() &&
        messages_url.compare(messages_url.size() - k_messages.size(), k_messages.size(),
                             k_messages) == 0)
        messages_url.resize(messages_url.size() - k_messages.size());
    m_actor_url = messages_url;
}

std::string AbacoClient::messages_url_without_credentials() const {
    core::QueryParams kept;
    for (const auto& [k, v] : m_base_query.items())
        if (k != "x-nonce") kept.add(k, v);
    std::string url = m_actor_url + std::string(k_messages);
    return kept.empty() ? url : url + "?" + kept.encode();
}

HttpResponse AbacoClient::retrying(const std::function<HttpResponse()>& attempt) const {
    return with_retries(
        m_retry, attempt, [this](int n, std::chrono::milliseconds pause, const HttpResponse& r) {
            if (!m_trace) return;
            std::string why =
                r.transport_error ? r.error_message : "HTTP " + std::to_string(r.status);
            m_trace("retry " + std::to_string(n) + " in " + std::to_string(pause.count()) +
                    " ms after: " + why);
        });
}

std::string AbacoClient::url_for(const std::string& suffix, const core::QueryParams& query) const {
    core::QueryParams all = m_base_query;
    for (const auto& [k, v] : query.items())
        all.add(k, v);
    if (m_credentials.nonce && !m_credentials.bearer && !m_credentials.tapis_token &&
        !all.has("x-nonce"))
        all.add("x-nonce", *m_credentials.nonce);
    std::string url = m_actor_url + suffix;
    if (!all.empty()) url += "?" + all.encode();
    return url;
}

Headers AbacoClient::headers() const {
    Headers h = {{"Accept", "application/json"}};
    if (m_credentials.bearer) h.emplace_back("Authorization", "Bearer " + *m_credentials.bearer);
    if (m_credentials.tapis_token) h.emplace_back("X-Tapis-Token", *m_credentials.tapis_token);
    return h;
}

Headers AbacoClient::admin_headers() const {
    Headers h = {{"Accept", "application/json"}};
    if (m_credentials.admin) h.emplace_back("Authorization", "Bearer " + *m_credentials.admin);
    return h;
}

Reply AbacoClient::read_reply(const HttpResponse& r, const std::string& what) const {
    Reply out;
    out.http_status = r.status;
    if (r.transport_error != 0) {
        out.kind = core::ErrorKind::remote;
        out.retryable = is_retryable(r);
        out.message = "cannot reach the manager at " + util::redact_url(m_actor_url) + " for " +
                      what + ": " + r.error_message;
        if (r.transport_error == PJM_TRANSPORT_TLS)
            out.message += "; if the manager's certificate comes from a private CA, give its "
                           "bundle with --cacert FILE (or PJM_CACERT, or cacert in the config "
                           "file); --insecure skips the check (unsafe)";
        return out;
    }
    out.kind = kind_for_status(r.status);
    out.retryable = is_retryable(r);
    // A synchronous message (_abaco_synchronous=true) is answered with the execution's logs,
    // not an envelope (docs/protocol.md#synchronous); pjm serve adds the execution and its exit
    // code as headers, a real Abaco says only that it completed.
    if (r.status == 200 && r.header("X-Pjm-Exit-Code")) {
        int code = 0;
        const std::string v = *r.header("X-Pjm-Exit-Code");
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), code);
        out.kind = ec == std::errc() && end == v.data() + v.size() ? core::kind_for_exit_code(code)
                                                                   : core::ErrorKind::remote;
        out.synchronous = true;
        out.message = r.body;
        out.execution_id = r.header("X-Pjm-Execution-Id").value_or("");
        return out;
    }
    if (r.status == 200 && synchronous_reply(r)) {
        out.synchronous = true;
        out.message = r.body;
        return out;
    }
    nlohmann::json envelope = nlohmann::json::parse(r.body, nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object()) {
        if (out.kind == core::ErrorKind::ok) out.kind = core::ErrorKind::remote;
        out.message = "the manager answered " + what + " with HTTP " + std::to_string(r.status) +
                      " and no Abaco envelope: " + snippet(r.body);
        return out;
    }
    out.message = envelope.value("message", "");
    if (auto it = envelope.find("result"); it != envelope.end()) out.result = *it;
    if (out.kind == core::ErrorKind::ok && envelope.value("status", "success") == "error")
        out.kind = core::ErrorKind::remote;
    if (out.result.is_object()) {
        for (const char* key : {"execution_id", "executionId"})
            if (auto it = out.result.find(key); it != out.result.end() && it->is_string())
                out.execution_id = it->get<std::string>();
    }
    if (!out.ok() && out.message.empty())
        out.message = "the manager refused " + what + " (HTTP " + std::to_string(r.status) + ")";
    return out;
}

// A 401/403/404/405 that names no execution came before any message was handled (pjm serve
// records an execution for every message its handler sees, a refused one too; Abaco answers a
// message 200 and runs it later): the sender or the URL is wrong, not the message.
void AbacoClient::refused_before_handling(Reply& out) const {
    long s = out.http_status;
    if ((s != 401 && s != 403 && s != 404 && s != 405) || !out.execution_id.empty()) return;
    out.misconfigured = true;
    std::string status = " (HTTP " + std::to_string(s) + ")";
    if (s == 401 || s == 403)
        out.message += status + "; the manager refused this sender, not the message: check the "
                                "credential (PJM_BEARER_TOKEN or bearer_token_file, PJM_NONCE, "
                                "PJM_TAPIS_TOKEN or tapis_token_file), then run 'pjm outbox "
                                "flush'";
    else
        out.message += status + "; the manager has no such actor or route at " +
                       util::redact_url(m_actor_url) +
                       ": check PJM_URL (or tenant_url and actor_id), then run 'pjm outbox "
                       "flush'";
}

Reply AbacoClient::post_message(const std::string& body, const core::QueryParams& query,
                                const std::string& idempotency_key) const {
    Headers h = headers();
    h.emplace_back("Content-Type", "application/json");
    if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
    std::string url = url_for(std::string(k_messages), query);
    Reply out = read_reply(retrying([&] { return m_http.post(url, h, body); }), "the message");
    refused_before_handling(out);
    return out;
}

BatchReply AbacoClient::post_batch(const std::vector<BatchMessage>& messages) const {
    nlohmann::json list = nlohmann::json::array();
    for (const BatchMessage& m : messages) {
        nlohmann::json item = {{"body", *m.body}};
        if (!m.query->empty()) item["query"] = *m.query;
        if (!m.idempotency_key->empty()) item["idempotency_key"] = *m.idempotency_key;
        list.push_back(std::move(item));
    }
    std::string body = nlohmann::json{{"messages", std::move(list)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    Headers h = headers();
    h.emplace_back("Content-Type", "application/json");
    std::string url = url_for(std::string(k_messages) + "/batch", {});
    HttpResponse r = retrying([&] { return m_http.post(url, h, body); });
    BatchReply out;
    Reply whole = read_reply(r, "the batch of messages");
    const nlohmann::json* replies = nullptr;
    if (whole.ok() && whole.result.is_object())
        if (auto it = whole.result.find("replies"); it != whole.result.end() && it->is_array())
            replies = &*it;
    if (!replies) {
        // No such route (405 or 404 from an Abaco or an older pjm serve), or an answer that is
        // not a batch's: the messages go one by one, which says what is wrong if anything is.
        if (r.transport_error == 0 && !whole.retryable) {
            out.offered = false;
            return out;
        }
        out.failure = std::move(whole);
        return out;
    }
    for (const auto& item : *replies) {
        HttpResponse one;
        one.status = item.value("status", 0L);
        auto env = item.find("reply");
        one.body = env != item.end()
                       ? env->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                       : std::string();
        Reply rep = read_reply(one, "the message");
        refused_before_handling(rep);
        out.replies.push_back(std::move(rep));
        if (out.replies.size() == messages.size()) break;
    }
    return out;
}

Reply AbacoClient::get(const std::string& suffix, const core::QueryParams& query,
                       const std::string& what) const {
    std::string url = url_for(suffix, query);
    Headers h = headers();
    return read_reply(retrying([&] { return m_http.get(url, h); }), what);
}

Reply AbacoClient::get_execution(const std::string& id) const {
    return get("/executions/" + core::percent_encode(id), {}, "execution " + id);
}

Reply AbacoClient::get_execution_logs(const std::string& id) const {
    return get("/executions/" + core::percent_encode(id) + "/logs", {},
               "the logs of execution " + id);
}

Reply AbacoClient::get_job(const std::string& uuid, const core::QueryParams& query) const {
    return get("/jobs/" + core::percent_encode(uuid), query, "job " + uuid);
}

Reply AbacoClient::list_jobs(const core::QueryParams& query) const {
    return get("/jobs", query, "the job list");
}

Reply AbacoClient::post(const std::string& suffix, const Headers& headers, const std::string& body,
                        const std::string& what) const {
    Headers h = headers;
    h.emplace_back("Content-Type", "application/json");
    std::string url = url_for(suffix, {});
    return read_reply(retrying([&] { return m_http.post(url, h, body); }), what);
}

Reply AbacoClient::list_pipelines() const {
    std::string url = url_for("/pipelines", {});
    Headers h = m_credentials.admin ? admin_headers() : headers();
    return read_reply(retrying([&] { return m_http.get(url, h); }), "the pipeline list");
}

// Both are safe to retry: registering the same pipeline again changes nothing, and an admin
// token is the same for the whole window.
Reply AbacoClient::add_pipeline(const nlohmann::json& pipeline) const {
    return post("/pipelines", admin_headers(), pipeline.dump(), "the pipeline");
}

Reply AbacoClient::admin_token() const {
    return post("/admin-token", admin_headers(), "{}", "an admin token");
}

} // namespace pjm::remote
