#include "util/redact.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace pjm::util {

namespace {

// (An Idempotency-Key is one too: whoever holds it could fetch the reply it was first given.)
constexpr std::array<std::string_view, 5> k_secret_words = {"token", "nonce", "secret", "password",
                                                            "idempotency"};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

bool is_secret_name(std::string_view name) {
    std::string key;
    key.reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '%') {
            // A name that cannot even be decoded may hide anything.
            if (i + 2 >= name.size()) return true;
            int hi = hex_value(name[i + 1]), lo = hex_value(name[i + 2]);
            if (hi < 0 || lo < 0) return true;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    for (auto word : k_secret_words)
        if (key.find(word) != std::string::npos) return true;
    return false;
}

namespace {

// Where the "user:password" of a "scheme://user:password@host…" URL lies: its first byte and
// the '@' after it; nothing for a URL without one.
std::optional<std::pair<std::size_t, std::size_t>> userinfo_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return std::nullopt;
    std::size_t start = scheme + 3;
    std::size_t end = url.find_first_of("/?#", start);
    std::string_view authority =
        url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::nullopt;
    return std::pair(start, start + at);
}

// "scheme://user:password@host…" → "scheme://user:<redacted>@host…"; the rest as it is.
std::string without_password(std::string_view url) {
    auto info = userinfo_of(url);
    if (!info) return std::string(url);
    auto [start, at] = *info;
    auto colon = url.substr(start, at - start).find(':');
    if (colon == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, start + colon + 1)) + std::string(k_redacted) +
           std::string(url.substr(at));
}

} // namespace

std::string url_without_userinfo(std::string_view url) {
    auto info = userinfo_of(url);
    if (!info) return std::string(url);
    return std::string(url.substr(0, info->first)) + std::string(url.substr(info->second + 1));
}

std::string redact_url(std::string_view url) {
    std::string whole = without_password(url);
    std::string_view text = whole;
    auto q = text.find('?');
    if (q == std::string_view::npos) return whole;
    std::string out(text.substr(0, q + 1));
    std::string_view query = text.substr(q + 1);
    while (true) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        auto eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        if (name.empty() || !is_secret_name(name))
            out += pair;
        else if (eq == std::string_view::npos)
            out += k_redacted; // a secret without a value: the name may be the secret
        else
            (out += name) += "=", out += k_redacted;
        if (amp == std::string_view::npos) break;
        out += '&';
        query.remove_prefix(amp + 1);
    }
    return out;
}

std::string redact_trace_line(std::string_view line) {
    // A header line: "Name: value", the name a token without spaces.
    auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0 &&
        line.substr(0, colon).find_first_of(" /?") == std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == "authorization" || name == "proxy-authorization" || is_secret_name(name))
            return std::string(line.substr(0, colon + 1)) + " " + std::string(k_redacted);
    }
    // A request line ("POST /actors/v2/A/messages?x-nonce=… HTTP/1.1"): each word on its own.
    std::string out;
    std::size_t start = 0;
    while (true) {
        auto space = line.find(' ', start);
        out += redact_url(line.substr(start, space - start));
        if (space == std::string_view::npos) break;
        out += ' ';
        start = space + 1;
    }
    return out;
}

} // namespace pjm::util
