// The Abaco reply envelope (docs/protocol.md#reply-envelope) every pjm serve reply is wrapped
// in, errors included: {"status": "success"|"error", "message": …, "version": …, "result": …}.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pjm::server {

nlohmann::json envelope(bool success, std::string_view message, nlohmann::json result,
                        std::string_view version);

// The envelope as reply text. Text that is not UTF-8 (a message's raw body) is replaced, not
// refused, so a reply can always be written.
std::string envelope_text(bool success, std::string_view message, nlohmann::json result,
                          std::string_view version);

// JSON text of any document, with invalid UTF-8 replaced.
std::string to_text(const nlohmann::json& doc);

// The reason phrase Abaco uses for a status ("The request was successful", …).
std::string_view status_message(int http_status);

} // namespace pjm::server
