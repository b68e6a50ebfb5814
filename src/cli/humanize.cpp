#include "cli/humanize.hpp"

#include "core/timefmt.hpp"

namespace pjm::cli {

namespace {
std::string count(std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}
} // namespace

std::string relative_time(std::int64_t then_ms, std::int64_t now_ms) {
    std::int64_t diff = now_ms - then_ms;
    bool future = diff < 0;
    if (future && diff > -60'000) return "just now";
    std::int64_t s = (future ? -diff : diff) / 1000;
    if (s < 1) return "just now";
    std::string amount;
    if (s < 60)
        amount = count(s, "second");
    else if (s < 3600)
        amount = count(s / 60, "minute");
    else if (s < 86400)
        amount = count(s / 3600, "hour");
    else if (s < 30 * 86400)
        amount = count(s / 86400, "day");
    else if (s < 365 * 86400)
        amount = count(s / (30 * 86400), "month");
    else
        amount = count(s / (365 * 86400), "year");
    return future ? "in " + amount : amount + " ago";
}

std::string ago(std::string_view rfc3339, const core::Clock& clock) {
    auto ms = core::parse_rfc3339_ms(rfc3339);
    if (!ms) return std::string(rfc3339);
    return relative_time(*ms, clock.now_ms());
}

std::size_t display_width(std::string_view text) {
    std::size_t n = 0;
    for (char ch : text)
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    return n;
}

std::string clip(std::string_view text, std::size_t width) {
    if (display_width(text) <= width) return std::string(text);
    std::size_t keep = width >= 4 ? width - 3 : width;
    std::size_t cols = 0, i = 0;
    for (; i < text.size(); ++i) {
        bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        if (lead && cols++ == keep) break;
    }
    return std::string(text.substr(0, i)) + (width >= 4 ? "..." : "");
}

} // namespace pjm::cli
