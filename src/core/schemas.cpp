#include "core/schemas.hpp"

#include <map>
#include <memory>
#include <mutex>
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
        path += "/" + part;
    }
    return path.empty() ? "/" : path;
}

} // namespace

std::string_view schema_text(std::string_view name) {
    for (const auto& s : embedded_schemas())
        if (s.name == name) return s.text;
    return {};
}

std::vector<std::string> schema_errors(std::string_view name, const nlohmann::json& value) {
    const Compiled& c = compiled(name);
    // valijson caches the std::regex of each "pattern" in its Validator: one validator per
    // thread keeps them compiled. A fresh one per call compiled the UUID patterns again for
    // every message, which cost more than the rest of handling it (pjm serve).
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    std::vector<std::string> out;
    if (validator.validate(c.schema, target, &results)) return out;
    valijson::ValidationResults::Error err;
    while (results.popError(err)) {
        std::string line = describe_path(err.context) + ": " + err.description;
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
