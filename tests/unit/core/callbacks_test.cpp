// The fast-forward table: every row is a real shortcut through the lifecycle.
#include "core/callbacks.hpp"

#include <gtest/gtest.h>

namespace pjm::core {
namespace {

TEST(FastForward, EveryRowIsALegalPathTheReportedEventCannotTakeAlone) {
    ASSERT_FALSE(fast_forward_table().empty());
    for (const FastForward& row : fast_forward_table()) {
        EXPECT_FALSE(transition(row.from, row.reported))
            << to_string(row.reported) << " is allowed from " << to_string(row.from)
            << " already: the row would never be used";
        State s = row.from;
        for (Event e : row.inferred) {
            EXPECT_FALSE(is_admin_only(e)) << to_string(e) << " needs an admin: never inferred";
            auto next = transition(s, e);
            ASSERT_TRUE(next) << to_string(e) << " from " << to_string(s);
            s = *next;
        }
        EXPECT_TRUE(transition(s, row.reported))
            << to_string(row.reported) << " from " << to_string(s);
    }
}

TEST(FastForward, FinishOnACreatedJobInfersRunAndNothingElseIsInferred) {
    EXPECT_EQ(inferred_steps(State::created, Event::finish), std::vector<Event>{Event::run});
    EXPECT_FALSE(inferred_steps(State::finished, Event::run)) << "stale, not inferred";
    EXPECT_FALSE(inferred_steps(State::failed, Event::finish));
    EXPECT_FALSE(inferred_steps(State::reset, Event::finish)) << "ready needs an admin";
}

} // namespace
} // namespace pjm::core
