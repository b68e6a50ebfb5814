#include "cli/progress.hpp"

#include <iostream>
#include <unistd.h>

namespace pjm::cli {

ProgressBar::ProgressBar(bool wanted) : m_on(wanted && ::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
    clear();
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total, const std::string& label) {
    if (!m_on) return;
    auto now = std::chrono::steady_clock::now();
    bool last = total > 0 && done >= total;
    if (m_drawn > 0 && !last && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    std::string line;
    if (total > 0) {
        constexpr std::uint64_t width = 30;
        std::uint64_t filled = done >= total ? width : done * width / total;
        line = "[" + std::string(filled, '#') + std::string(width - filled, ' ') + "] ";
    }
    line += label;
    // No terminal escapes: pad with spaces over what a longer drawing left.
    std::string pad(m_drawn > line.size() ? m_drawn - line.size() : 0, ' ');
    std::cerr << '\r' << line << pad << std::flush;
    m_drawn = line.size();
}

void ProgressBar::clear() {
    if (!m_on || m_drawn == 0) return;
    std::cerr << '\r' << std::string(m_drawn, ' ') << '\r' << std::flush;
    m_drawn = 0;
}

void ProgressBar::finish() {
    if (!m_on || m_drawn == 0) return;
    std::cerr << '\n' << std::flush;
    m_drawn = 0;
}

} // namespace pjm::cli
