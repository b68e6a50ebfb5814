#include "server/envelope.hpp"

namespace pjm::server {

nlohmann::json envelope(bool success, std::string_view message, nlohmann::json result,
                        std::string_view version) {
    return {{"status", success ? "success" : "error"},
            {"message", message},
            {"version", version},
            {"result", std::move(result)}};
}

std::string envelope_text(bool success, std::string_view message, nlohmann::json result,
                          std::string_view version) {
    return to_text(envelope(success, message, std::move(result), version));
}

std::string to_text(const nlohmann::json& doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view status_message(int http_status) {
    switch (http_status) {
    case 200:
        return "The request was successful";
    case 400:
        return "Invalid request";
    case 401:
        return "Not authenticated";
    case 403:
        return "Not authorized";
    case 404:
        return "Not found";
    case 405:
        return "Method not allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Request body too large";
    case 414:
        return "Request line too long";
    case 415:
        return "Unsupported content encoding";
    case 501:
        return "Not implemented";
    case 500:
        return "Internal error";
    case 503:
        return "Service unavailable";
    default:
        return http_status < 400 ? "The request was successful" : "The request failed";
    }
}

} // namespace pjm::server
