// What the terminal gets: whether to colour a stream (--color, NO_COLOR, TERM, isatty), how
// wide stdout is, and the escape sequences of the few colours pjm uses. The decisions are pure
// functions of their inputs so that tests can drive them without a terminal.
#pragma once

#include "core/fsm.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pjm::cli {

enum class ColorMode { automatic, always, never };

// "auto", "always", "never" (as --color takes them); nothing for anything else.
std::optional<ColorMode> parse_color_mode(std::string_view text);

// Whether a stream gets colour. `never`: no; `always`: yes (a flag beats NO_COLOR, as
// no-color.org asks); `automatic`: only on a terminal, when NO_COLOR is unset or empty and TERM
// is set and not "dumb". `no_color` and `term` are the variables' values, null when unset.
bool use_color(ColorMode mode, const char* no_color, const char* term, bool is_tty);

// The width tables may take on stdout: nothing (no limit) when stdout is not a terminal, else
// the terminal's columns, else $COLUMNS, else 80. `tty_columns` is what the terminal reports
// (0: unknown).
std::optional<std::size_t> output_width(bool is_tty, std::size_t tty_columns,
                                        const char* columns_env);

enum class Color { none, red, green, yellow, blue, magenta, cyan, bold, dim };

// The colour a state is shown in: done well green, gone wrong red, in progress yellow,
// waiting cyan, reset magenta, retired dim.
Color state_color(core::State s);

class Style {
  public:
    explicit Style(bool on = false) : m_on(on) {}
    bool on() const { return m_on; }
    // `text` wrapped in the colour's escape sequence and a reset, or as it is when off.
    std::string paint(std::string_view text, Color c) const;

  private:
    bool m_on;
};

// The styles of stdout and stderr and stdout's width, decided once after the command line is
// parsed (configure_terminal) from the real environment; plain and unlimited until then.
void configure_terminal(ColorMode mode);
const Style& out_style();
const Style& err_style();
std::optional<std::size_t> out_width();

} // namespace pjm::cli
