// The libcurl transport behind transport_abi.h, built as lib/pjm/pjm-remote-curl.so.
#include "remote/transport_abi.h"
#include "util/redact.hpp"

#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <mutex>
#include <string>

namespace {

struct Collected {
    std::string body;
    std::string headers; // of the last response (a 100 Continue's are dropped)
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<Collected*>(user)->body.append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* got = static_cast<Collected*>(user);
    std::string line(data, size * count);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    if (line.rfind("HTTP/", 0) == 0)
        got->headers.clear(); // a new response begins
    else if (!line.empty() && line.find(':') != std::string::npos)
        got->headers += line + "\n";
    return size * count;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    auto* req = static_cast<const pjm_http_request*>(user);
    if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN)
        return 0;
    std::string text(data, size);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? end : end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.pop_back();
        if (line.empty()) continue;
        // Secrets never reach a trace: the bearer header and the nonce in a request line.
        line = pjm::util::redact_trace_line(line);
        const char* prefix = type == CURLINFO_HEADER_OUT  ? "> "
                             : type == CURLINFO_HEADER_IN ? "< "
                                                          : "* ";
        req->trace(req->trace_context, (prefix + line).c_str());
    }
    return 0;
}

int classify_error(CURLcode rc) {
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return PJM_TRANSPORT_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return PJM_TRANSPORT_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return PJM_TRANSPORT_TLS;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return PJM_TRANSPORT_SEND_RECV;
    default:
        return PJM_TRANSPORT_OTHER;
    }
}

// One libcurl handle per thread, reset before each request: a reset keeps the handle's
// connection cache, so successive requests from one thread (an outbox flush's messages, a
// --wait's polls) ride one keep-alive connection instead of connecting each time. If the
// server closed a kept connection, libcurl notices and connects again.
class ThreadHandle {
  public:
    ~ThreadHandle() {
        if (m_curl) curl_easy_cleanup(m_curl);
    }
    CURL* get() {
        if (m_curl)
            curl_easy_reset(m_curl);
        else
            m_curl = curl_easy_init();
        return m_curl;
    }

  private:
    CURL* m_curl = nullptr;
};

char* duplicate(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (p) std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

} // namespace

extern "C" __attribute__((visibility("default"))) int pjm_module_abi_version(void) {
    return PJM_TRANSPORT_ABI_VERSION;
}

extern "C" __attribute__((visibility("default"))) int pjm_http_perform(const pjm_http_request* req,
                                                                       pjm_http_response* resp) {
    std::memset(resp, 0, sizeof *resp);
    try {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        static thread_local ThreadHandle handle;
        CURL* curl = handle.get();
        if (!curl) {
            resp->error = PJM_TRANSPORT_OTHER;
            std::snprintf(resp->error_message, sizeof resp->error_message, "curl_easy_init failed");
            return resp->error;
        }
        Collected got;
        curl_slist* headers = nullptr;
        for (std::size_t i = 0; i < req->header_count; ++i) {
            std::string h = std::string(req->headers[i].name) + ": " + req->headers[i].value;
            headers = curl_slist_append(headers, h.c_str());
        }
        headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
        curl_easy_setopt(curl, CURLOPT_URL, req->url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, req->total_timeout_ms);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &got);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &got);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "pjm");
        char detail[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
        if (req->cacert) curl_easy_setopt(curl, CURLOPT_CAINFO, req->cacert);
        if (req->insecure) {
            curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (std::strcmp(req->method, "POST") == 0) {
            curl_easy_setopt(curl, CURLOPT_POST, 1L);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(req->body ? req->body_size : 0));
        } else {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        }
        if (req->trace) {
            curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
            curl_easy_setopt(curl, CURLOPT_DEBUGDATA, req);
            curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
        }
        CURLcode rc = curl_easy_perform(curl);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
        } else {
            resp->error = classify_error(rc);
            // curl's own detail names the cause (the CA file, the certificate problem, …).
            std::snprintf(resp->error_message, sizeof resp->error_message, "%s",
                          detail[0] ? detail : curl_easy_strerror(rc));
        }
        curl_slist_free_all(headers);
        resp->body = duplicate(got.body);
        resp->body_size = got.body.size();
        if (!got.headers.empty()) resp->headers = duplicate(got.headers);
        return resp->error;
    } catch (...) {
        resp->error = PJM_TRANSPORT_OTHER;
        std::snprintf(resp->error_message, sizeof resp->error_message,
                      "internal error in transport");
        return resp->error;
    }
}

extern "C" __attribute__((visibility("default"))) void pjm_http_release(pjm_http_response* resp) {
    std::free(resp->body);
    std::free(resp->headers);
    resp->body = nullptr;
    resp->headers = nullptr;
}
