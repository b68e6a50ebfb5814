// CloudEvents over HTTP (docs/integrations.md#cloudevents): which requests to the messages route
// are CloudEvents, and each one in the CloudEvents JSON format, whichever content mode carried
// it. The HTTP binding of CloudEvents 1.0: structured mode (Content-Type
// application/cloudevents+json: the body is the event), binary mode (the attributes in ce-*
// headers, %-encoded; Content-Type is datacontenttype; the body is the data), batch mode
// (application/cloudevents-batch+json: not taken).
#pragma once

#include "server/http_message.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pjm::server {

enum class CloudEventMode { none, structured, binary, batch };
CloudEventMode cloudevent_mode(const Request& req);

struct CloudEventRead {
    std::optional<nlohmann::json> event;
    std::string error; // why the request holds no event
};
// The request's event in the JSON format: the structured body parsed, or the binary mode's
// attributes with its data (JSON when the content type says JSON, text otherwise).
CloudEventRead cloudevent_of(const Request& req, CloudEventMode mode);

} // namespace pjm::server
