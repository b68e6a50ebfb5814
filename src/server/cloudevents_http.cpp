#include "server/cloudevents_http.hpp"

#include "core/message.hpp"
#include "core/query.hpp"
#include "server/http.hpp"

#include <array>

namespace pjm::server {

namespace {

std::string media_type(const Request& req) {
    std::string type = req.get_header_value("Content-Type");
    std::string media = type.substr(0, type.find(';'));
    while (!media.empty() && media.back() == ' ')
        media.pop_back();
    return media;
}

// JSON data: application/json, text/json and any +json type (the spec's rule).
bool json_media(const std::string& media) {
    if (media.empty()) return false;
    std::string m;
    for (char c : media)
        m.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return m == "application/json" || m == "text/json" ||
           (m.size() > 5 && m.compare(m.size() - 5, 5, "+json") == 0);
}

bool utf8(const std::string& text) {
    try {
        (void)nlohmann::json(text).dump();
        return true;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

// The context attributes binary mode carries as ce-* headers (extensions are not read).
constexpr std::array<const char*, 7> k_attributes = {"specversion", "id",   "source",    "type",
                                                     "subject",     "time", "dataschema"};

} // namespace

CloudEventMode cloudevent_mode(const Request& req) {
    std::string media = media_type(req);
    if (same_name(media, "application/cloudevents+json")) return CloudEventMode::structured;
    if (same_name(media, "application/cloudevents-batch+json")) return CloudEventMode::batch;
    if (req.has_header("ce-specversion")) return CloudEventMode::binary;
    return CloudEventMode::none;
}

CloudEventRead cloudevent_of(const Request& req, CloudEventMode mode) {
    CloudEventRead r;
    if (mode == CloudEventMode::batch) {
        r.error = "a batch of CloudEvents (application/cloudevents-batch+json) is not taken: send "
                  "one event a request, in structured or binary mode";
        return r;
    }
    if (mode == CloudEventMode::structured) {
        core::ParsedBody parsed = core::parse_body(req.body);
        if (!parsed.value) {
            r.error = "a structured CloudEvent must be a JSON object: " + parsed.error;
            return r;
        }
        r.event = std::move(*parsed.value);
        return r;
    }
    nlohmann::json event = nlohmann::json::object();
    for (const char* name : k_attributes) {
        std::string header = std::string("ce-") + name;
        if (!req.has_header(header)) continue;
        if (req.get_header_value_count(header) > 1) {
            r.error = "the " + header + " header is given more than once";
            return r;
        }
        auto value = core::percent_decode(req.get_header_value(header), false);
        if (!value || !utf8(*value)) {
            r.error = "the " + header + " header has a malformed %-escape or is not UTF-8";
            return r;
        }
        event[name] = *value;
    }
    std::string media = media_type(req);
    if (!media.empty()) event["datacontenttype"] = req.get_header_value("Content-Type");
    if (!req.body.empty()) {
        if (json_media(media) || media.empty()) {
            core::ParsedBody parsed = core::parse_body(req.body);
            if (!parsed.value) {
                r.error = "the CloudEvent's data is not JSON (its Content-Type is " +
                          (media.empty() ? std::string("not given") : media) + "): " + parsed.error;
                return r;
            }
            event["data"] = std::move(*parsed.value);
        } else {
            // Text, kept as a string: it must be UTF-8 (JSON holds nothing else).
            if (!utf8(req.body)) {
                r.error = "the CloudEvent's data (" + media +
                          ") is not UTF-8 text; pjm keeps JSON or text data only";
                return r;
            }
            event["data"] = req.body;
        }
    }
    r.event = std::move(event);
    return r;
}

} // namespace pjm::server
