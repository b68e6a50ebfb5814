#include "core/timefmt.hpp"

#include <chrono>
#include <cstdio>

namespace pjm::core {

std::string rfc3339_ms(std::int64_t unix_ms) {
    using namespace std::chrono;
    sys_time<milliseconds> tp{milliseconds{unix_ms}};
    auto day = floor<days>(tp);
    year_month_day ymd{day};
    hh_mm_ss hms{tp - day};
    char buf[64];
    std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
        static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
    return buf;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
    using namespace std::chrono;
    // sscanf alone also takes " 2026-1-5T1:2:3Z" (it skips blanks, reads signs and unpadded
    // fields); only the zero-padded layout rfc3339_ms writes is one of our timestamps.
    static constexpr std::string_view k_layout = "dddd-dd-ddTdd:dd:dd";
    if (text.size() < k_layout.size()) return std::nullopt;
    for (std::size_t i = 0; i < k_layout.size(); ++i) {
        bool digit = text[i] >= '0' && text[i] <= '9';
        if (k_layout[i] == 'd' ? !digit : text[i] != k_layout[i]) return std::nullopt;
    }
    int y = 0;
    unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    std::string copy(text);
    int consumed = 0;
    if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &s,
                    &consumed) != 6)
        return std::nullopt;
    std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
    if (!rest.empty() && rest[0] == '.') {
        if (rest.size() < 5) return std::nullopt;
        for (int i = 1; i <= 3; ++i) {
            if (rest[i] < '0' || rest[i] > '9') return std::nullopt;
            ms = ms * 10 + static_cast<unsigned>(rest[i] - '0');
        }
        rest.remove_prefix(4);
    }
    if (rest != "Z") return std::nullopt;
    year_month_day ymd{year{y}, month{mo}, day{d}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
    return tp.time_since_epoch().count();
}

} // namespace pjm::core
