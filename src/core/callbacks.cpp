#include "core/callbacks.hpp"

#include <algorithm>

namespace pjm::core {

std::span<const FastForward> fast_forward_table() {
    // Platforms report where their job is, and may lose a notification on the way: a FINISHED
    // that reaches a job still CREATED means its RUNNING was lost. Every other event a platform
    // maps to is allowed from CREATED already (resource, fail, update) or is the one inferred
    // here (run). Events that need an admin token, or that only people send (validate, reset,
    // …), are never inferred.
    static const std::vector<FastForward> table = {
        {Event::finish, State::created, {Event::run}},
    };
    return table;
}

std::optional<std::vector<Event>> inferred_steps(State state, Event reported) {
    auto table = fast_forward_table();
    auto row = std::find_if(table.begin(), table.end(), [&](const FastForward& f) {
        return f.reported == reported && f.from == state;
    });
    if (row == table.end()) return std::nullopt;
    return row->inferred;
}

} // namespace pjm::core
