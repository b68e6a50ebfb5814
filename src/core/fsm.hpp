// The PipelineJob lifecycle (docs/protocol.md#lifecycle): states, events and the transition
// table as data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The two tables below are the lifecycle. Everything else, here and in the rest of pjm (the
// enums, the counts, the names, `pjm fsm`, the event enum of the bundled JSON Schemas), is made
// from them, so a state or an event is added by adding a row. They are macros only because C++
// cannot make an enum from a table otherwise.
//
// One row per state, in the order `pjm fsm` shows them: X(state, "NAME", "what it means").
#define PJM_LIFECYCLE_STATES(X)                                                                    \
    X(created, "CREATED", "inputs and configuration defined")                                      \
    X(running, "RUNNING", "actively processing")                                                   \
    X(failed, "FAILED", "did not complete")                                                        \
    X(finished, "FINISHED", "processing done, outputs archived")                                   \
    X(indexing, "INDEXING", "outputs being linked to metadata")                                    \
    X(validating, "VALIDATING", "outputs being assessed")                                          \
    X(validated, "VALIDATED", "outputs judged correct")                                            \
    X(rejected, "REJECTED", "outputs invalid")                                                     \
    X(finalized, "FINALIZED", "validated and released")                                            \
    X(retired, "RETIRED", "no longer to be used")                                                  \
    X(reset, "RESET", "being reset for another run")

// One row per event: X(event, goes to, token it needs, states it fires from...).
//   goes to: a state, or `unchanged` for an event that only annotates the history;
//   token:   `job` (the job's own token, or an admin token) or `admin` (an admin token only);
//   from:    states, `any` for every state, or none at all (create makes a new job).
// The event's name is its identifier; the rows' order is the order `pjm fsm` shows them in.
#define PJM_LIFECYCLE_EVENTS(X)                                                                    \
    X(create, created, job)                                                                        \
    X(run, running, job, created, running)                                                         \
    X(update, unchanged, job, created, running, validating, indexing)                              \
    X(resource, unchanged, job, created, running)                                                  \
    X(fail, failed, job, created, running, validating, indexing)                                   \
    X(finish, finished, job, running, finished)                                                    \
    X(index, indexing, job, finished, indexing)                                                    \
    X(indexed, finished, job, finished, indexing)                                                  \
    X(validate, validating, job, finished, validated)                                              \
    X(validated, validated, job, validating, validated)                                            \
    X(finalize, finalized, job, validated)                                                         \
    X(reject, rejected, job, validating)                                                           \
    X(retire, retired, job, failed, finalized, finished, rejected, validating, validated)          \
    X(reset, reset, admin, any)                                                                    \
    X(ready, created, admin, reset)

namespace pjm::core {

#define PJM_LIFECYCLE_ENUMERATOR(name, ...) name,
enum class State { PJM_LIFECYCLE_STATES(PJM_LIFECYCLE_ENUMERATOR) };
enum class Event { PJM_LIFECYCLE_EVENTS(PJM_LIFECYCLE_ENUMERATOR) };
#undef PJM_LIFECYCLE_ENUMERATOR

#define PJM_LIFECYCLE_ONE(...) +1
inline constexpr std::size_t k_state_count = 0 PJM_LIFECYCLE_STATES(PJM_LIFECYCLE_ONE);
inline constexpr std::size_t k_event_count = 0 PJM_LIFECYCLE_EVENTS(PJM_LIFECYCLE_ONE);
#undef PJM_LIFECYCLE_ONE

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
