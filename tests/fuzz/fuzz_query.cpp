// libFuzzer target: URL query strings (core::QueryParams), as pjm serve and the outbox read them.
//
// Invariants: parsing never throws; it fails exactly when some '%' is not followed by two hex
// digits (a reference check on the raw text); it keeps one item per non-empty '&'-separated
// part, '?' prefix or not; get() returns the first value of a key; encode() writes only
// unreserved characters, %XX, '=' and '&', and parsing it gives the same items back.
#include "core/query.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace {

using pjm::core::QueryParams;

[[noreturn]] void bug(const char* what) {
    std::fprintf(stderr, "fuzz_query: invariant broken: %s\n", what);
    std::fflush(stderr);
    std::abort();
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool escapes_well_formed(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '%' &&
            (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])))
            return false;
    return true;
}

std::size_t nonempty_parts(std::string_view text) {
    std::size_t n = 0, start = 0;
    while (start <= text.size()) {
        auto amp = text.find('&', start);
        auto end = amp == std::string_view::npos ? text.size() : amp;
        if (end > start) ++n;
        if (amp == std::string_view::npos) break;
        start = amp + 1;
    }
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = QueryParams::parse(text);

    std::string_view bare = text;
    if (!bare.empty() && bare.front() == '?') bare.remove_prefix(1);
    if (parsed.has_value() != escapes_well_formed(bare))
        bug(parsed ? "accepted a malformed %-escape" : "refused well-formed text");
    if (!parsed) return 0;

    const QueryParams& q = *parsed;
    if (q.items().size() != nonempty_parts(bare)) bug("item count differs from the parts");
    if (q.empty() != q.items().empty()) bug("empty() disagrees with items()");
    // get() on the first few distinct keys (it is a linear search: all of them would make long
    // inputs quadratic and slow the fuzzer down).
    std::map<std::string, std::string> first;
    for (const auto& [key, value] : q.items())
        if (first.size() < 64) first.emplace(key, value);
    for (const auto& [key, value] : first) {
        auto got = q.get(key);
        if (!got || *got != value) bug("get() is not the first value");
        if (!q.has(key)) bug("has() misses a key");
    }

    std::string encoded = q.encode();
    for (char c : encoded) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == '=' || c == '&';
        if (!ok) bug("encode() wrote a reserved character");
    }
    auto again = QueryParams::parse(encoded);
    if (!again) bug("encode() wrote text parse() refuses");
    if (again->items() != q.items()) bug("parse(encode(q)) differs from q");
    return 0;
}
