#include "core/fsm.hpp"

#include "core/suggest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace pjm::core {

namespace {

constexpr std::array<State, k_state_count> k_states = {
    State::created,   State::running,    State::failed,    State::finished,
    State::indexing,  State::validating, State::validated, State::rejected,
    State::finalized, State::retired,    State::reset,
};

constexpr std::array<Event, k_event_count> k_events = {
    Event::create,   Event::run,    Event::update,  Event::resource, Event::fail,
    Event::finish,   Event::index,  Event::indexed, Event::validate, Event::validated,
    Event::finalize, Event::reject, Event::retire,  Event::reset,    Event::ready,
};

struct StateInfo {
    std::string_view name;
    std::string_view meaning;
};

constexpr std::array<StateInfo, k_state_count> k_state_info = {{
    {"CREATED", "inputs and configuration defined"},
    {"RUNNING", "actively processing"},
    {"FAILED", "did not complete"},
    {"FINISHED", "processing done, outputs archived"},
    {"INDEXING", "outputs being linked to metadata"},
    {"VALIDATING", "outputs being assessed"},
    {"VALIDATED", "outputs judged correct"},
    {"REJECTED", "outputs invalid"},
    {"FINALIZED", "validated and released"},
    {"RETIRED", "no longer to be used"},
    {"RESET", "being reset for another run"},
}};

constexpr std::uint32_t bit(State s) {
    return 1u << static_cast<unsigned>(s);
}
template <typename... S> constexpr std::uint32_t from(S... s) {
    return (bit(s) | ...);
}
constexpr std::uint32_t k_any = (1u << k_state_count) - 1;

// One row per event, in the order of the table in docs/protocol.md#lifecycle.
struct Rule {
    std::string_view name;
    std::uint32_t from_mask;
    std::optional<State> to; // nothing: the state is unchanged
    bool admin_only;
};

using S = State;
constexpr std::array<Rule, k_event_count> k_rules = {{
    {"create", 0, S::created, false},
    {"run", from(S::created, S::running), S::running, false},
    {"update", from(S::created, S::running, S::validating, S::indexing), std::nullopt, false},
    {"resource", from(S::created, S::running), std::nullopt, false},
    {"fail", from(S::created, S::running, S::validating, S::indexing), S::failed, false},
    {"finish", from(S::running, S::finished), S::finished, false},
    {"index", from(S::finished, S::indexing), S::indexing, false},
    {"indexed", from(S::finished, S::indexing), S::finished, false},
    {"validate", from(S::finished, S::validated), S::validating, false},
    {"validated", from(S::validating, S::validated), S::validated, false},
    {"finalize", from(S::validated), S::finalized, false},
    {"reject", from(S::validating), S::rejected, false},
    {"retire", from(S::failed, S::finalized, S::finished, S::rejected, S::validating, S::validated),
     S::retired, false},
    {"reset", k_any, S::reset, true},
    {"ready", from(S::reset), S::created, true},
}};

const Rule& rule(Event e) {
    return k_rules[static_cast<std::size_t>(e)];
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

std::span<const State> all_states() {
    return k_states;
}
std::span<const Event> all_events() {
    return k_events;
}

std::string_view to_string(State s) {
    return k_state_info[static_cast<std::size_t>(s)].name;
}
std::string_view describe(State s) {
    return k_state_info[static_cast<std::size_t>(s)].meaning;
}
std::string_view to_string(Event e) {
    return rule(e).name;
}

std::optional<State> parse_state(std::string_view text) {
    for (State s : k_states)
        if (iequals(text, to_string(s))) return s;
    return std::nullopt;
}

std::optional<Event> parse_event(std::string_view text) {
    for (Event e : k_events)
        if (iequals(text, to_string(e))) return e;
    return std::nullopt;
}

std::optional<State> transition(State s, Event e) {
    const Rule& r = rule(e);
    if ((r.from_mask & bit(s)) == 0) return std::nullopt;
    return r.to ? *r.to : s;
}

std::vector<Event> allowed_events(State s) {
    std::vector<Event> out;
    for (Event e : k_events)
        if (transition(s, e)) out.push_back(e);
    return out;
}

bool is_admin_only(Event e) {
    return rule(e).admin_only;
}
bool keeps_state(Event e) {
    return e != Event::create && !rule(e).to.has_value();
}

std::vector<State> sources(Event e) {
    std::vector<State> out;
    for (State s : k_states)
        if (rule(e).from_mask & bit(s)) out.push_back(s);
    return out;
}

std::string suggest_event(std::string_view typo) {
    std::vector<std::string> names;
    for (Event e : k_events)
        names.emplace_back(to_string(e));
    return nearest(typo, names);
}

} // namespace pjm::core
