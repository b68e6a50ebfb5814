// A one-line progress bar on stderr for commands that work through many items (outbox flush,
// event --batch). It draws only on a terminal; elsewhere every call does nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pjm::cli {

class ProgressBar {
  public:
    // Draws when `wanted` and stderr is a terminal.
    explicit ProgressBar(bool wanted);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    bool shown() const { return m_on; }
    // `done` of `total` (total 0: unknown, no bar, only the label), then `label`
    // ("3/10", "line 1200"). Redraws at most ten times a second, and always at the end.
    void update(std::uint64_t done, std::uint64_t total, const std::string& label);
    // Erases the bar, so that a message can take its line; the next update draws it again.
    void clear();
    // Leaves the last drawing on its line and moves to the next one.
    void finish();

  private:
    bool m_on = false;
    std::size_t m_drawn = 0; // characters on the line now
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace pjm::cli
