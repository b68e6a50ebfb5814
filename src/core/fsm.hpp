// The PipelineJob lifecycle (docs/protocol.md#lifecycle): states, events and the transition
// table as data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::core {

enum class State {
    created,
    running,
    failed,
    finished,
    indexing,
    validating,
    validated,
    rejected,
    finalized,
    retired,
    reset,
};

enum class Event {
    create,
    run,
    update,
    resource,
    fail,
    finish,
    index,
    indexed,
    validate,
    validated,
    finalize,
    reject,
    retire,
    reset,
    ready,
};

inline constexpr std::size_t k_state_count = 11;
inline constexpr std::size_t k_event_count = 15;

std::span<const State> all_states();
std::span<const Event> all_events();

std::string_view to_string(State s);                     // "RUNNING"
std::string_view to_string(Event e);                     // "run"
std::string_view describe(State s);                      // one-line meaning
std::optional<State> parse_state(std::string_view text); // case-insensitive
std::optional<Event> parse_event(std::string_view text); // case-insensitive

// Where event `e` takes a job in state `s`, or nothing when the pair is refused.
// `create` never fires on an existing job.
std::optional<State> transition(State s, Event e);
// Events that may fire in state `s`, in table order.
std::vector<Event> allowed_events(State s);
// Events that need an admin token rather than the job's own token.
bool is_admin_only(Event e);
// True for events that only annotate the history.
bool keeps_state(Event e);
// States an event is allowed from, in declaration order (empty for create).
std::vector<State> sources(Event e);

// The nearest event name to a misspelt one, for "did you mean …"; empty when nothing is close.
std::string suggest_event(std::string_view typo);

} // namespace pjm::core
