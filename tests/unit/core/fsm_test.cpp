// Every (state, event) pair of the lifecycle against the table in docs/protocol.md#lifecycle,
// written out again here independently of src/core/fsm.cpp.
#include "core/fsm.hpp"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

struct Row {
    std::set<std::string> from; // empty: any state
    std::string to;             // "" : unchanged
};

const std::map<std::string, Row>& spec_table() {
    static const std::map<std::string, Row> t = {
        {"run", {{"CREATED", "RUNNING"}, "RUNNING"}},
        {"update", {{"CREATED", "RUNNING", "VALIDATING", "INDEXING"}, ""}},
        {"resource", {{"CREATED", "RUNNING"}, ""}},
        {"fail", {{"CREATED", "RUNNING", "VALIDATING", "INDEXING"}, "FAILED"}},
        {"finish", {{"RUNNING", "FINISHED"}, "FINISHED"}},
        {"index", {{"FINISHED", "INDEXING"}, "INDEXING"}},
        {"indexed", {{"FINISHED", "INDEXING"}, "FINISHED"}},
        {"validate", {{"FINISHED", "VALIDATED"}, "VALIDATING"}},
        {"validated", {{"VALIDATING", "VALIDATED"}, "VALIDATED"}},
        {"reject", {{"VALIDATING"}, "REJECTED"}},
        {"finalize", {{"VALIDATED"}, "FINALIZED"}},
        {"retire",
         {{"FAILED", "FINALIZED", "FINISHED", "REJECTED", "VALIDATING", "VALIDATED"}, "RETIRED"}},
        {"reset", {{}, "RESET"}},
        {"ready", {{"RESET"}, "CREATED"}},
    };
    return t;
}

TEST(Fsm, NamesMatchSpec) {
    std::set<std::string> spec_events = {"create"}, spec_states, events, states;
    for (const auto& [name, row] : spec_table()) {
        spec_events.insert(name);
        spec_states.insert(row.from.begin(), row.from.end());
        if (!row.to.empty()) spec_states.insert(row.to);
    }
    for (Event e : all_events())
        events.insert(std::string(to_string(e)));
    for (State s : all_states())
        states.insert(std::string(to_string(s)));
    EXPECT_EQ(events, spec_events);
    EXPECT_EQ(states, spec_states);
    EXPECT_EQ(all_events().size(), k_event_count);
    EXPECT_EQ(all_states().size(), k_state_count);
}

TEST(Fsm, EveryStateEventPairMatchesSpec) {
    int checked = 0;
    for (State s : all_states()) {
        for (Event e : all_events()) {
            std::string name(to_string(e));
            auto got = transition(s, e);
            if (e == Event::create) {
                EXPECT_FALSE(got) << "create must never fire on an existing job";
                ++checked;
                continue;
            }
            const Row& row = spec_table().at(name);
            bool allowed = row.from.empty() || row.from.count(std::string(to_string(s)));
            ASSERT_EQ(got.has_value(), allowed) << name << " from " << to_string(s);
            if (allowed) {
                std::string expected = row.to.empty() ? std::string(to_string(s)) : row.to;
                EXPECT_EQ(to_string(*got), expected) << name << " from " << to_string(s);
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, static_cast<int>(k_state_count * k_event_count));
}

TEST(Fsm, AdminOnlyEvents) {
    for (Event e : all_events()) {
        bool admin = e == Event::reset || e == Event::ready;
        EXPECT_EQ(is_admin_only(e), admin) << to_string(e);
    }
}

TEST(Fsm, AllowedEventsInRunning) {
    std::vector<std::string> names;
    for (Event e : allowed_events(State::running))
        names.emplace_back(to_string(e));
    EXPECT_EQ(names,
              (std::vector<std::string>{"run", "update", "resource", "fail", "finish", "reset"}));
}

TEST(Fsm, ParsingIsCaseInsensitive) {
    EXPECT_EQ(parse_event("FINISH"), Event::finish);
    EXPECT_EQ(parse_state("running"), State::running);
    EXPECT_FALSE(parse_event("finsh"));
    EXPECT_FALSE(parse_state("DONE"));
}

TEST(Fsm, SuggestsNearestEvent) {
    EXPECT_EQ(suggest_event("finsh"), "finish");
    EXPECT_EQ(suggest_event("valdiate"), "validate");
    EXPECT_EQ(suggest_event("xyzzyqq"), "");
}

} // namespace
} // namespace pjm::core
