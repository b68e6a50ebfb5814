// Typed UUIDs (docs/protocol.md#identifiers): UUID5 in the namespace uuid3(DNS, domain) with a
// type prefix, compatible with the original system.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::core {

enum class UuidType { pipeline, job, event };

inline constexpr std::string_view k_default_uuid_domain = "sd2e.org";

std::string_view type_prefix(UuidType t); // "106", "107", "108"

// Plain RFC 4122 name-based UUIDs in canonical text form.
std::string uuid3(std::string_view namespace_uuid, std::string_view name);
std::string uuid5(std::string_view namespace_uuid, std::string_view name);
inline constexpr std::string_view k_namespace_dns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

class UuidFactory {
  public:
    explicit UuidFactory(std::string domain = std::string(k_default_uuid_domain));
    const std::string& namespace_uuid() const { return m_namespace; }

    std::string typed(UuidType t, std::string_view name) const;
    // A job's UUID from its defining fields; the same fields always give the same UUID.
    std::string job_uuid(std::string_view pipeline_uuid, const nlohmann::json& data,
                         const std::vector<std::string>* child_of = nullptr) const;
    std::string pipeline_uuid(std::string_view name) const;
    // A fresh history-entry UUID from a random name.
    std::string random_event_uuid() const;

  private:
    std::string m_namespace;
};

// Does `text` have the canonical form of a UUID of this type?
bool is_typed_uuid(std::string_view text, UuidType t);

} // namespace pjm::core
