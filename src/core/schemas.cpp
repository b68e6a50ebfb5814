#include "core/schemas.hpp"

#include "util/printable.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace pjm::core {

namespace {

struct Compiled {
    nlohmann::json document;
    valijson::Schema schema;
};

const Compiled& compiled(std::string_view name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Compiled>, std::less<>> cache;
    std::lock_guard lock(mutex);
    if (auto it = cache.find(name); it != cache.end()) return *it->second;
    std::string_view text = schema_text(name);
    if (text.empty()) throw std::logic_error("no bundled schema named " + std::string(name));
    auto c = std::make_unique<Compiled>();
    c->document = nlohmann::json::parse(text);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(c->document);
    parser.populateSchema(adapter, c->schema);
    auto& slot = cache[std::string(name)];
    slot = std::move(c);
    return *slot;
}

std::string describe_path(const std::vector<std::string>& context) {
    // valijson gives ["<root>", "[name]", ...]; show a JSON-pointer-like path.
    std::string path;
    for (std::size_t i = 1; i < context.size(); ++i) {
        std::string part = context[i];
        if (part.size() >= 2 && part.front() == '[' && part.back() == ']')
            part = part.substr(1, part.size() - 2);
        if (part.size() >= 2 && part.front() == '"' && part.back() == '"')
            part = part.substr(1, part.size() - 2);
        path += "/" + util::shortened(part, k_echo_max);
    }
    return path.empty() ? "/" : path;
}

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF).
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xe  ? 3
                          : (c >> 3) == 0x1e ? 4
                                             : 0;
        if (len == 0 || i + len > s.size()) return false;
        std::uint32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (std::size_t k = 1; k < len; ++k) {
            auto cont = static_cast<unsigned char>(s[i + k]);
            if ((cont & 0xc0) != 0x80) return false;
            cp = cp << 6 | (cont & 0x3f);
        }
        static constexpr std::uint32_t k_least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < k_least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

bool all_utf8(const nlohmann::json& v) {
    if (v.is_string()) return valid_utf8(v.get_ref<const std::string&>());
    if (v.is_array()) {
        for (const auto& item : v)
            if (!all_utf8(item)) return false;
    } else if (v.is_object()) {
        for (const auto& [key, item] : v.items())
            if (!valid_utf8(key) || !all_utf8(item)) return false;
    }
    return true;
}

// The first string or key of `v` that is not UTF-8, as a path ("/token", "/" for the whole
// value). A document parsed from JSON text never has one, but one built from URL parameters or
// command-line values may.
std::optional<std::string> non_utf8_path(const nlohmann::json& v, const std::string& path) {
    if (v.is_string()) {
        if (valid_utf8(v.get_ref<const std::string&>())) return std::nullopt;
        return path.empty() ? "/" : path;
    }
    if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto p = non_utf8_path(v[i], path + "/" + std::to_string(i))) return p;
    } else if (v.is_object()) {
        for (const auto& [key, item] : v.items()) {
            if (!valid_utf8(key)) return path + "/(a key)";
            if (auto p = non_utf8_path(item, path + "/" + key)) return p;
        }
    }
    return std::nullopt;
}

} // namespace

std::string_view schema_text(std::string_view name) {
    for (const auto& s : embedded_schemas())
        if (s.name == name) return s.text;
    return {};
}

namespace {
thread_local bool t_verdict_only = false;
} // namespace

SchemaVerdictOnly::SchemaVerdictOnly() : m_previous(t_verdict_only) {
    t_verdict_only = true;
}

SchemaVerdictOnly::~SchemaVerdictOnly() {
    t_verdict_only = m_previous;
}

std::vector<std::string> schema_errors(std::string_view name, const nlohmann::json& value) {
    const Compiled& c = compiled(name);
    // valijson measures strings (minLength, maxLength) assuming UTF-8 and reads past the end of
    // a table on other bytes (found by fuzzing: a token from the URL). Such text is refused
    // before it gets there.
    if (!all_utf8(value))
        return {non_utf8_path(value, "").value_or("/") + ": not valid UTF-8 text"};
    // valijson caches the std::regex of each "pattern" in its Validator: one validator per
    // thread keeps them compiled. A fresh one per call compiled the UUID patterns again for
    // every message, which cost more than the rest of handling it (pjm serve).
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    std::vector<std::string> out;
    if (t_verdict_only) {
        if (!validator.validate(c.schema, target, nullptr)) out.push_back("/: does not match");
        return out;
    }
    if (validator.validate(c.schema, target, &results)) return out;
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
        std::string line =
            describe_path(err.context) + ": " + util::shortened(err.description, 4 * k_echo_max);
        // valijson reports a failing property and then its parent object; keep the leaves.
        if (line.find("Failed to validate against schema associated with property") !=
                std::string::npos ||
            line.find("Failed to validate item #") != std::string::npos)
            continue;
        out.push_back(std::move(line));
    }
    if (out.empty()) out.push_back("/: does not match the schema");
    return out;
}

} // namespace pjm::core
