#include "remote/http_client.hpp"

#include "remote/transport_abi.h"
#include "util/module.hpp"

#include <algorithm>
#include <cctype>

namespace pjm::remote {

namespace {

struct Transport {
    util::Module module;
    decltype(&pjm_http_perform) perform;
    decltype(&pjm_http_release) release;
};

const Transport& transport() {
    static const Transport t = [] {
        auto m = util::Module::load("remote-curl", PJM_TRANSPORT_ABI_VERSION);
        auto perform = m.function<decltype(&pjm_http_perform)>("pjm_http_perform");
        auto release = m.function<decltype(&pjm_http_release)>("pjm_http_release");
        return Transport{std::move(m), perform, release};
    }();
    return t;
}

void trace_line(void* context, const char* line) {
    (*static_cast<const std::function<void(const std::string&)>*>(context))(line);
}

} // namespace

HttpResponse HttpClient::get(const std::string& url, const Headers& headers) const {
    return perform("GET", url, headers, nullptr);
}

HttpResponse HttpClient::post(const std::string& url, const Headers& headers,
                              const std::string& body) const {
    return perform("POST", url, headers, &body);
}

HttpResponse HttpClient::perform(const char* method, const std::string& url, const Headers& headers,
                                 const std::string* body) const {
    long connect_ms = m_options.connect_timeout_ms, total_ms = m_options.total_timeout_ms;
    if (m_options.budget) {
        long left = static_cast<long>(m_options.budget->left().count());
        if (left <= 0) {
            HttpResponse spent;
            spent.transport_error = PJM_TRANSPORT_TIMEOUT;
            spent.error_message =
                "not tried: this command's time for the manager (retry_max_time, " +
                std::to_string(m_options.budget->total().count() / 1000) + " s) is spent";
            return spent;
        }
        connect_ms = std::min(connect_ms, left);
        total_ms = std::min(total_ms, left);
    }
    const Transport& t = transport();
    std::vector<pjm_http_header> raw;
    raw.reserve(headers.size());
    for (const auto& [name, value] : headers)
        raw.push_back({name.c_str(), value.c_str()});
    pjm_http_request req{};
    req.method = method;
    req.url = url.c_str();
    req.headers = raw.data();
    req.header_count = raw.size();
    req.body = body ? body->data() : nullptr;
    req.body_size = body ? body->size() : 0;
    req.connect_timeout_ms = connect_ms;
    req.total_timeout_ms = total_ms;
    req.cacert = m_options.cacert.empty() ? nullptr : m_options.cacert.c_str();
    req.insecure = m_options.insecure ? 1 : 0;
    if (m_options.trace) {
        req.trace = trace_line;
        req.trace_context = const_cast<std::function<void(const std::string&)>*>(&m_options.trace);
    }
    pjm_http_response resp{};
    t.perform(&req, &resp);
    HttpResponse out;
    out.status = resp.status;
    if (resp.body) out.body.assign(resp.body, resp.body_size);
    if (resp.headers) {
        std::string_view lines(resp.headers);
        while (!lines.empty()) {
            std::string_view line = lines.substr(0, lines.find('\n'));
            lines.remove_prefix(std::min(lines.size(), line.size() + 1));
            auto colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
                value.remove_suffix(1);
            out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        }
    }
    out.retry_after = out.header("Retry-After");
    out.transport_error = resp.error;
    out.error_message = resp.error_message;
    t.release(&resp);
    return out;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n.size() == name.size() &&
            std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    return std::nullopt;
}

} // namespace pjm::remote
