#include "core/fsm.hpp"

#include "core/suggest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace pjm::core {

namespace {

#define PJM_LIFECYCLE_STATE(name, ...) State::name,
constexpr std::array<State, k_state_count> k_states = {PJM_LIFECYCLE_STATES(PJM_LIFECYCLE_STATE)};
#undef PJM_LIFECYCLE_STATE

#define PJM_LIFECYCLE_EVENT(name, ...) Event::name,
constexpr std::array<Event, k_event_count> k_events = {PJM_LIFECYCLE_EVENTS(PJM_LIFECYCLE_EVENT)};
#undef PJM_LIFECYCLE_EVENT

struct StateInfo {
    std::string_view name;
    std::string_view meaning;
};

#define PJM_LIFECYCLE_STATE(state, name, meaning) StateInfo{name, meaning},
constexpr std::array<StateInfo, k_state_count> k_state_info = {
    PJM_LIFECYCLE_STATES(PJM_LIFECYCLE_STATE)};
#undef PJM_LIFECYCLE_STATE

// A set of states as bits: the rows' "from" columns.
static_assert(k_state_count <= 32, "a state set is 32 bits");
constexpr auto k_any = static_cast<std::uint32_t>((std::uint64_t{1} << k_state_count) - 1);
struct AnyState {};

constexpr std::uint32_t bit(State s) {
    return 1u << static_cast<unsigned>(s);
}
constexpr std::uint32_t bit(AnyState) {
    return k_any;
}
template <typename... S> constexpr std::uint32_t from(S... s) {
    return (0u | ... | bit(s));
}

enum class Sender { job, admin };

struct Rule {
    std::string_view name;
    std::uint32_t from_mask;
    std::optional<State> to; // nothing: the state is unchanged
    bool admin_only;
};

// The table's bare words (`running`, `unchanged`, `any`, `admin`) read as what they name.
namespace words {
using enum State;
constexpr std::optional<State> unchanged = std::nullopt;
constexpr AnyState any{};
constexpr Sender job = Sender::job;
constexpr Sender admin = Sender::admin;

#define PJM_LIFECYCLE_RULE(event, to, token, ...)                                                  \
    Rule{#event, from(__VA_ARGS__), to, token == admin},
constexpr std::array<Rule, k_event_count> k_rules = {PJM_LIFECYCLE_EVENTS(PJM_LIFECYCLE_RULE)};
#undef PJM_LIFECYCLE_RULE
} // namespace words
using words::k_rules;

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
