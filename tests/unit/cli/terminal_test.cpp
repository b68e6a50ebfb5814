// When pjm colours its output (--color, NO_COLOR, TERM, a terminal or not), how wide it takes
// stdout to be, and the colours of states.
#include "cli/terminal.hpp"

#include <set>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

TEST(ColorMode, ParsesTheThreeValuesOfColorOnly) {
    EXPECT_EQ(parse_color_mode("auto"), ColorMode::automatic);
    EXPECT_EQ(parse_color_mode("always"), ColorMode::always);
    EXPECT_EQ(parse_color_mode("never"), ColorMode::never);
    EXPECT_FALSE(parse_color_mode(""));
    EXPECT_FALSE(parse_color_mode("Always"));
    EXPECT_FALSE(parse_color_mode("yes"));
}

TEST(UseColor, AutoColoursATerminalWithAUsableTerm) {
    EXPECT_TRUE(use_color(ColorMode::automatic, nullptr, "xterm-256color", true));
    EXPECT_TRUE(use_color(ColorMode::automatic, "", "xterm", true)) << "empty NO_COLOR is unset";
}

TEST(UseColor, AutoNeverColoursAPipe) {
    EXPECT_FALSE(use_color(ColorMode::automatic, nullptr, "xterm", false));
}

TEST(UseColor, AnyNonEmptyNoColorTurnsItOff) {
    for (const char* v : {"1", "0", "false", "no", " "})
        EXPECT_FALSE(use_color(ColorMode::automatic, v, "xterm", true)) << "NO_COLOR=" << v;
}

TEST(UseColor, DumbOrMissingTermTurnsItOff) {
    EXPECT_FALSE(use_color(ColorMode::automatic, nullptr, "dumb", true));
    EXPECT_FALSE(use_color(ColorMode::automatic, nullptr, nullptr, true));
    EXPECT_FALSE(use_color(ColorMode::automatic, nullptr, "", true));
}

TEST(UseColor, TheFlagDecidesWhateverTheEnvironment) {
    // no-color.org: a command-line flag overrides NO_COLOR.
    EXPECT_TRUE(use_color(ColorMode::always, "1", "dumb", false));
    EXPECT_FALSE(use_color(ColorMode::never, nullptr, "xterm", true));
}

TEST(OutputWidth, UnlimitedUnlessATerminal) {
    EXPECT_FALSE(output_width(false, 120, "100"));
    EXPECT_EQ(output_width(true, 132, "100"), 132u);
    EXPECT_EQ(output_width(true, 0, "100"), 100u) << "COLUMNS when the terminal does not say";
    EXPECT_EQ(output_width(true, 0, nullptr), 80u);
    EXPECT_EQ(output_width(true, 0, "wide"), 80u);
    EXPECT_EQ(output_width(true, 0, "-5"), 80u);
}

TEST(StateColor, EveryStateHasOneAndTheOutcomesDiffer) {
    std::set<Color> seen;
    for (auto s : core::all_states()) {
        EXPECT_NE(state_color(s), Color::none) << core::to_string(s);
        seen.insert(state_color(s));
    }
    EXPECT_EQ(state_color(core::State::finished), Color::green);
    EXPECT_EQ(state_color(core::State::validated), Color::green);
    EXPECT_EQ(state_color(core::State::finalized), Color::green);
    EXPECT_EQ(state_color(core::State::failed), Color::red);
    EXPECT_EQ(state_color(core::State::rejected), Color::red);
    EXPECT_EQ(state_color(core::State::running), Color::yellow);
    EXPECT_GE(seen.size(), 5u);
}

TEST(Style, PaintsOnlyWhenOn) {
    EXPECT_EQ(Style(true).paint("FAILED", Color::red), "\033[31mFAILED\033[0m");
    EXPECT_EQ(Style(true).paint("x", Color::bold), "\033[1mx\033[0m");
    EXPECT_EQ(Style(false).paint("FAILED", Color::red), "FAILED");
    EXPECT_EQ(Style(true).paint("plain", Color::none), "plain");
    EXPECT_EQ(Style(true).paint("", Color::red), "") << "no sequence around nothing";
}

} // namespace
} // namespace pjm::cli
