#include "cli/terminal.hpp"

#include <cstdlib>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace pjm::cli {

std::optional<ColorMode> parse_color_mode(std::string_view text) {
    if (text == "auto") return ColorMode::automatic;
    if (text == "always") return ColorMode::always;
    if (text == "never") return ColorMode::never;
    return std::nullopt;
}

bool use_color(ColorMode mode, const char* no_color, const char* term, bool is_tty) {
    switch (mode) {
    case ColorMode::never:
        return false;
    case ColorMode::always:
        return true;
    case ColorMode::automatic:
        break;
    }
    if (no_color && *no_color) return false;
    if (!term || !*term || std::string_view(term) == "dumb") return false;
    return is_tty;
}

std::optional<std::size_t> output_width(bool is_tty, std::size_t tty_columns,
                                        const char* columns_env) {
    if (!is_tty) return std::nullopt;
    if (tty_columns > 0) return tty_columns;
    if (columns_env && *columns_env) {
        char* end = nullptr;
        long n = std::strtol(columns_env, &end, 10);
        if (*end == '\0' && n > 0 && n < 100000) return static_cast<std::size_t>(n);
    }
    return 80;
}

Color state_color(core::State s) {
    using core::State;
    switch (s) {
    case State::finished:
    case State::validated:
    case State::finalized:
        return Color::green;
    case State::failed:
    case State::rejected:
        return Color::red;
    case State::running:
    case State::indexing:
    case State::validating:
        return Color::yellow;
    case State::created:
        return Color::cyan;
    case State::reset:
        return Color::magenta;
    case State::retired:
        return Color::dim;
    }
    return Color::none;
}

std::string Style::paint(std::string_view text, Color c) const {
    const char* code = nullptr;
    switch (c) {
    case Color::none:
        break;
    case Color::red:
        code = "31";
        break;
    case Color::green:
        code = "32";
        break;
    case Color::yellow:
        code = "33";
        break;
    case Color::blue:
        code = "34";
        break;
    case Color::magenta:
        code = "35";
        break;
    case Color::cyan:
        code = "36";
        break;
    case Color::bold:
        code = "1";
        break;
    case Color::dim:
        code = "2";
        break;
    }
    if (!m_on || !code || text.empty()) return std::string(text);
    return std::string("\033[") + code + "m" + std::string(text) + "\033[0m";
}

namespace {
Style g_out, g_err;
std::optional<std::size_t> g_width;
} // namespace

void configure_terminal(ColorMode mode) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    bool out_tty = ::isatty(STDOUT_FILENO) == 1;
    g_out = Style(use_color(mode, no_color, term, out_tty));
    g_err = Style(use_color(mode, no_color, term, ::isatty(STDERR_FILENO) == 1));
    std::size_t cols = 0;
    struct winsize ws {};
    if (out_tty && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) cols = ws.ws_col;
    g_width = output_width(out_tty, cols, std::getenv("COLUMNS"));
}

const Style& out_style() {
    return g_out;
}
const Style& err_style() {
    return g_err;
}
std::optional<std::size_t> out_width() {
    return g_width;
}

} // namespace pjm::cli
