#include "cli/setting_values.hpp"

#include "cli/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace pjm::cli {

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "12" or "12.5": nothing else (no sign, exponent, inf, nan or spaces).
bool plain_decimal(std::string_view s) {
    auto dot = s.find('.');
    if (dot == std::string_view::npos) return all_digits(s);
    return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

std::string shown(double v) {
    return fmt::format("{:g}", v);
}

} // namespace

long setting_ms(const Settings& s, std::string_view name, long fallback_ms, double min_s,
                double max_s) {
    auto v = s.get(name);
    if (!v) return fallback_ms;
    double seconds = -1;
    if (plain_decimal(*v) && v->size() <= 20) {
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
        if (ec != std::errc() || end != v->data() + v->size()) seconds = -1;
    }
    if (!(seconds >= min_s && seconds <= max_s))
        usage_error(fmt::format("{} must be a number of seconds from {} to {} (e.g. 30 or 2.5), "
                                "not '{}' ({})",
                                name, shown(min_s), shown(max_s), *v, s.source(name)));
    return std::lround(seconds * 1000);
}

long long setting_count(const Settings& s, std::string_view name, long long fallback, long long min,
                        long long max) {
    auto v = s.get(name);
    if (!v) return fallback;
    long long n = min - 1;
    if (all_digits(*v) && v->size() <= 18) std::from_chars(v->data(), v->data() + v->size(), n);
    if (n < min || n > max)
        usage_error(fmt::format("{} must be a whole number from {} to {}, not '{}' ({})", name, min,
                                max, *v, s.source(name)));
    return n;
}

bool setting_flag(const Settings& s, std::string_view name) {
    auto v = s.get(name);
    if (!v) return false;
    std::string lower(*v);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
    usage_error(fmt::format("{} must be 1, true, yes, on or 0, false, no, off, not '{}' ({})", name,
                            *v, s.source(name)));
}

namespace {

const SettingDef& row(std::string_view name) {
    const SettingDef* def = find_setting(name);
    if (!def) throw std::logic_error("no setting named " + std::string(name));
    return *def;
}

} // namespace

long setting_ms(const Settings& s, std::string_view name, long fallback_ms) {
    const SettingDef& def = row(name);
    return setting_ms(s, name, fallback_ms, def.min, def.max);
}

long long setting_count(const Settings& s, std::string_view name, long long fallback) {
    const SettingDef& def = row(name);
    return setting_count(s, name, fallback, static_cast<long long>(def.min),
                         static_cast<long long>(def.max));
}

long long parse_duration_s(std::string_view text, std::string_view what) {
    std::string_view digits = text;
    long long unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 7 * 86400;
            break;
        default:
            unit = 0;
        }
        if (unit)
            digits.remove_suffix(1);
        else
            unit = 1;
    }
    long long n = -1;
    if (all_digits(digits) && digits.size() <= 12)
        std::from_chars(digits.data(), digits.data() + digits.size(), n);
    constexpr long long k_ten_years = 10LL * 366 * 86400;
    if (n < 0 || n * unit > k_ten_years)
        usage_error(fmt::format("{} must be a duration such as 3600 (seconds), 90m, 12h, 30d or "
                                "2w, not '{}'",
                                what, text));
    return n * unit;
}

void check_settings(const Settings& s) {
    for (const SettingDef& def : setting_defs()) {
        switch (def.kind) {
        case SettingKind::seconds:
            setting_ms(s, def.name, 0);
            break;
        case SettingKind::count:
            setting_count(s, def.name, 0);
            break;
        case SettingKind::on_off:
            setting_flag(s, def.name);
            break;
        case SettingKind::text:
            break;
        }
    }
}

} // namespace pjm::cli
