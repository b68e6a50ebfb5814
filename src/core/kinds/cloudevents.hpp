// The CloudEvents door's configuration and reader (docs/integrations.md#cloudevents).
#pragma once

#include "core/fsm.hpp"
#include "core/kinds/kind.hpp"
#include "core/query.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

// What one event type becomes: the event of the first `values` entry equal to the text at
// `field` (a dotted path in the event's data), else `otherwise`; with neither, the event is
// acknowledged and not kept.
struct CloudEventRule {
    std::optional<std::string> field;
    std::vector<std::pair<std::string, Event>> values;
    std::optional<Event> otherwise;
};

// The site's table from CloudEvent `type` to pjm event (pjm serve --cloudevents-map FILE).
struct CloudEventsMap {
    std::map<std::string, CloudEventRule> types;
};

// The map from its JSON file; throws std::invalid_argument saying what is wrong where.
CloudEventsMap parse_cloudevents_map(const nlohmann::json& doc);

// The message a CloudEvent (in its JSON format, data included) and the URL's uuid and token
// make, or why they make none.
KindRead read_cloudevent(const nlohmann::json& event, const QueryParams& query,
                         const CloudEventsMap& map);

} // namespace pjm::core
