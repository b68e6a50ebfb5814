// The rules that only platform callbacks get (docs/protocol.md#callbacks): which steps a
// reported status may fast-forward through when the platform's earlier notification was lost.
#pragma once

#include "core/fsm.hpp"

#include <optional>
#include <span>
#include <vector>

namespace pjm::core {

// One row of the fast-forward table: a job in `from` that a platform reports `reported` for
// takes the `inferred` events first, then the reported one.
struct FastForward {
    Event reported;
    State from;
    std::vector<Event> inferred;
};
std::span<const FastForward> fast_forward_table();

// The events to infer before `reported` for a job in `state`, when the table has a row for
// them; nothing when the reported event is not reachable (the status is stale).
std::optional<std::vector<Event>> inferred_steps(State state, Event reported);

} // namespace pjm::core
