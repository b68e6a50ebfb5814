#include "core/message.hpp"

#include "core/kinds/kind.hpp"
#include "core/reads.hpp"
#include "core/schemas.hpp"
#include "util/printable.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>
#include <vector>

namespace pjm::core {

namespace {

using nlohmann::json;

// What a scan of the raw text finds before the JSON parser sees it.
struct TextScan {
    int deepest = 0;               // deepest array/object nesting
    bool nul = false;              // a NUL byte anywhere (the parser would stop there)
    std::string oversized_integer; // an integer literal that 64 bits cannot hold exactly
};

bool integer_too_big(std::string_view literal) {
    bool negative = !literal.empty() && literal.front() == '-';
    if (negative) literal.remove_prefix(1);
    // JSON forbids leading zeros, so the length orders the magnitudes.
    std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
    return literal.size() > limit.size() || (literal.size() == limit.size() && literal > limit);
}

TextScan scan_text(std::string_view text) {
    TextScan scan;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\0') scan.nul = true;
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            scan.deepest = std::max(scan.deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = text.find_first_not_of("0123456789+-.eE", i);
            std::string_view literal = text.substr(i, end - i);
            if (literal.find_first_of(".eE") == std::string_view::npos &&
                integer_too_big(literal) && scan.oversized_integer.empty())
                scan.oversized_integer = std::string(literal.substr(0, 40));
            i = (end == std::string_view::npos ? text.size() : end) - 1;
        }
    }
    return scan;
}

// The parser's messages quote the text it stopped in ("…; last read: '\"6152f0bd…'"). In a
// string that is the string so far, which may be a job or admin token: it is left out (the
// line and column still say where), all but the byte it stopped at when that byte is not
// printable (an ill-formed UTF-8 byte, a control character): that one is the answer.
std::string without_string_text(std::string what) {
    constexpr std::string_view mark = "; last read: '";
    auto pos = what.find(mark);
    if (pos == std::string::npos) return what;
    auto from = pos + mark.size();
    auto end = what.find("'; ", from);
    if (end == std::string::npos) {
        if (what.empty() || what.back() != '\'') return what;
        end = what.size() - 1;
    }
    std::string_view lexeme = std::string_view(what).substr(from, end - from);
    if (lexeme.find('"') == std::string_view::npos) return what;
    auto last = static_cast<unsigned char>(lexeme.back());
    if (last < 0x20 || last >= 0x7f) {
        if (lexeme.size() > 2) what.replace(from, end - from, std::string("\"...") + lexeme.back());
        return what;
    }
    what.erase(pos, end + 1 - pos);
    return what;
}

} // namespace

namespace {

ParsedBody parse_json_text(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {std::nullopt, "empty message: expected a JSON object"};
    TextScan scan = scan_text(text);
    if (scan.nul) return {std::nullopt, "invalid JSON: the message contains a NUL byte"};
    if (scan.deepest > k_max_json_depth)
        return {std::nullopt,
                "JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels"};
    if (!scan.oversized_integer.empty())
        return {std::nullopt, "integer " + scan.oversized_integer +
                                  " does not fit in 64 bits; pjm keeps integers exact, so send "
                                  "it as a string"};
    // A key given twice in one object is refused, not resolved: the parser would keep the
    // last value, another reader (a proxy, a schema check, the original Python actor) may keep
    // the first, and the two would disagree on what the message says.
    std::vector<std::unordered_set<std::string>> keys; // one set per open object
    std::string duplicate;
    auto check_keys = [&](int, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
            keys.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
            if (!keys.empty()) keys.pop_back();
        } else if (event == json::parse_event_t::key && !keys.empty() && duplicate.empty()) {
            if (!keys.back().insert(parsed.get<std::string>()).second)
                duplicate = parsed.get<std::string>();
        }
        return true;
    };
    try {
        json value = json::parse(text, check_keys);
        if (!duplicate.empty())
            return {std::nullopt, "invalid JSON: the key '" +
                                      util::printable(duplicate.substr(0, 64),
                                                      util::Newlines::escape, util::Bytes::ascii) +
                                      "' appears twice in one object; give each key once"};
        return {std::move(value), {}};
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number beyond a double ("1e400", found by
        // fuzzing: it escaped as an exception). "[json.exception.parse_error.101] parse error at
        // line 1, column 2: …" → the tail.
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        std::string hint;
        if (e.id == 406) hint = " (beyond the range of a double; send it as a string)";
        return {std::nullopt, "invalid JSON: " +
                                  util::printable(without_string_text(what), util::Newlines::escape,
                                                  util::Bytes::ascii) +
                                  hint};
    }
}

} // namespace

ParsedBody parse_body(std::string_view text) {
    ParsedBody parsed = parse_json_text(text);
    // Tapis clients wrap a JSON message as {"message": <the message>} (their JSONMessage
    // model), the message itself or its JSON text. No message kind has a lone "message"
    // member, so a body that is exactly that is read as the message it holds (once: a wrapped
    // wrapping is not unwrapped again).
    if (!parsed.value || !parsed.value->is_object() || parsed.value->size() != 1) return parsed;
    auto it = parsed.value->find("message");
    if (it == parsed.value->end()) return parsed;
    if (it->is_object()) return {json(std::move(*it)), {}};
    if (it->is_string()) {
        ParsedBody inner = parse_json_text(it->get<std::string>());
        if (inner.value && inner.value->is_object()) return inner;
    }
    return parsed;
}

std::string redact_tokens(std::string_view text, const std::vector<std::string>& known) {
    constexpr std::string_view key = "\"token\"";
    constexpr std::string_view shown = "<redacted>";
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::string out;
    out.reserve(text.size());
    std::size_t done = 0;
    for (std::size_t at = text.find(key); at != std::string_view::npos;
         at = text.find(key, at + 1)) {
        if (at < done) continue;
        std::size_t i = at + key.size();
        while (i < text.size() && blank(text[i]))
            ++i;
        if (i >= text.size() || text[i] != ':') continue;
        ++i;
        while (i < text.size() && blank(text[i]))
            ++i;
        if (i >= text.size() || text[i] != '"') continue;
        std::size_t end = ++i; // the value's first byte, then its closing quote (or the end)
        while (end < text.size() && text[end] != '"')
            end += text[end] == '\\' ? 2 : 1;
        end = std::min(end, text.size());
        out.append(text.substr(done, i - done));
        out.append(shown);
        done = end;
        at = end;
    }
    out.append(text.substr(std::min(done, text.size())));
    // Form fields and query strings sent as a body: token=… up to the next & or blank.
    constexpr std::string_view field = "token=";
    for (std::size_t at = out.find(field); at != std::string::npos; at = out.find(field, at + 1)) {
        if (at > 0 && out[at - 1] != '&' && out[at - 1] != '?' && !blank(out[at - 1])) continue;
        std::size_t from = at + field.size();
        std::size_t end = out.find_first_of("& \t\r\n", from);
        out.replace(from, (end == std::string::npos ? out.size() : end) - from, shown);
    }
    for (const auto& secret : known) {
        if (secret.empty()) continue;
        for (std::size_t p = out.find(secret); p != std::string::npos;
             p = out.find(secret, p + shown.size()))
            out.replace(p, secret.size(), shown);
    }
    return out;
}

namespace {

// A message that names its job, event or token twice with different values reads two ways (a
// proxy or a log may take the other one): what is wrong, or nothing.
std::optional<std::string> two_readings(const json& body, const QueryParams& query) {
    auto name = query.get("name"), event = query.get("event");
    if (name && event && *name != *event)
        return "the URL parameters name and event differ (" + quoted_value(*name) + " and " +
               quoted_value(*event) + "); give one of them";
    if (!body.is_object()) return std::nullopt;
    struct Pair {
        const char* key;
        std::optional<std::string> url;
    };
    for (const Pair& p : {Pair{"uuid", query.get("uuid")}, Pair{"name", name ? name : event},
                          Pair{"token", query.get("token")}}) {
        auto it = body.find(p.key);
        if (!p.url || it == body.end() || !it->is_string()) continue;
        const std::string& in_body = it->get_ref<const std::string&>();
        if (in_body == *p.url) continue;
        std::string what = std::string(p.key) == "token" ? "" // never repeat a token
                                                         : " (" + quoted_value(in_body) + " and " +
                                                               quoted_value(*p.url) + ")";
        return "the body's '" + std::string(p.key) + "' and the URL parameter " +
               (std::string(p.key) == "name" && !name ? "event" : p.key) + " differ" + what +
               "; give it in one place";
    }
    return std::nullopt;
}

} // namespace

Classified classify(const json& body, const QueryParams& query) {
    std::vector<std::pair<MessageKind, std::vector<std::string>>> reasons;

    // The message's own URL parameters are taken once: given twice they may disagree, and a
    // proxy that keeps the last one would read another message than pjm, which keeps the first.
    for (const char* key : {"uuid", "name", "event", "token"}) {
        if (std::size_t n = query.count(key); n > 1)
            return {std::nullopt,
                    Error{ErrorKind::invalid, "URL parameter " + std::string(key) + " is given " +
                                                  std::to_string(n) + " times; give it once"}};
    }

    // A platform's body has a uuid or name of its own (a notification's, a platform job's):
    // there only the URL names the pjm job.
    std::span<const KindSpec> kinds = message_kinds();
    bool own_fields = std::any_of(kinds.begin(), kinds.end(), [&](const KindSpec& k) {
        return k.own_fields && k.looks_like(body, query);
    });
    if (!own_fields)
        if (auto ambiguous = two_readings(body, query))
            return {std::nullopt, Error{ErrorKind::invalid, *ambiguous}};

    // The first kind the message is, in the registry's order; the reasons each kind refuses
    // it are worded only when none takes it.
    {
        SchemaVerdictOnly verdicts;
        for (const KindSpec& k : kinds)
            if (KindRead r = k.read(body, query); r.message) return {std::move(*r.message), {}};
    }
    for (const KindSpec& k : kinds) {
        KindRead r = k.read(body, query);
        if (r.message) return {std::move(*r.message), {}}; // (not reached: none took it above)
        if (r.considered) reasons.emplace_back(k.kind, std::move(r.errors));
    }

    MessageKind likely = MessageKind::event;
    for (const KindSpec& k : kinds)
        if (k.looks_like(body, query)) {
            likely = k.kind;
            break;
        }
    // Lead with the kind the sender most likely meant; name the others.
    if (!body.is_object()) likely = MessageKind::event;
    std::stable_partition(reasons.begin(), reasons.end(),
                          [&](const auto& r) { return r.first == likely; });
    std::string text;
    if (!body.is_object()) {
        text = "message must be a JSON object";
    } else {
        const auto& [kind, errs] = reasons.front();
        text = "not a valid " + std::string(to_string(kind)) + ":";
        for (const auto& e : errs)
            text += "\n  " + e;
        if (auto name = kinds::opt_string(body, "name"); name && kind == MessageKind::event) {
            if (*name == "create") {
                text += "\n  'create' is not an event: create jobs with a "
                        "PipelineJobCreateAction (pjm create)";
            } else if (!parse_event(*name)) {
                std::string hint = suggest_event(*name);
                text += "\n  unknown event '" + util::shortened(*name, k_echo_max) + "'";
                if (!hint.empty()) text += " (did you mean '" + hint + "'?)";
            }
        }
        if (reasons.size() > 1) {
            text += "\n  it matches no other message kind either (";
            for (std::size_t i = 1; i < reasons.size(); ++i)
                text += (i > 1 ? ", " : "") + std::string(to_string(reasons[i].first));
            text += "); see 'pjm schema'";
        }
    }
    return {std::nullopt, Error{ErrorKind::invalid, text}};
}

} // namespace pjm::core
