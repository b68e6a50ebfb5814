// The bundled draft-07 JSON Schemas (src/core/schemas/*.json, embedded at build time)
// and validation against them with valijson.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

// How many bytes of a value the sender wrote (a name, a key) a refusal repeats: a message of
// 1 MB is refused in a line, not a megabyte (and an execution's stored log stays small).
inline constexpr std::size_t k_echo_max = 64;

struct EmbeddedSchema {
    std::string_view name; // file stem: "event", "delete", "create", "agave", "urlparams"
    std::string_view text;
};

const std::vector<EmbeddedSchema>& embedded_schemas();
// The schema's text, or empty when there is no schema of that name.
std::string_view schema_text(std::string_view name);

// Validates `value` against the named schema; returns every reason it fails (empty: valid).
// Schemas are parsed once per process, on first use.
std::vector<std::string> schema_errors(std::string_view name, const nlohmann::json& value);

// While one lives on a thread, schema_errors() there only gives the verdict: it stops at the
// first failure and gives one placeholder reason instead of every reason worded (which costs
// more than the check). Classification tries each kind so first, and asks for the reasons only
// when no kind takes the message.
class SchemaVerdictOnly {
  public:
    SchemaVerdictOnly();
    ~SchemaVerdictOnly();
    SchemaVerdictOnly(const SchemaVerdictOnly&) = delete;
    SchemaVerdictOnly& operator=(const SchemaVerdictOnly&) = delete;

  private:
    bool m_previous;
};

} // namespace pjm::core
