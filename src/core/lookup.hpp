// What a person types for a job or a pipeline, resolved to its UUID: a job by its full UUID in
// any case or by an unambiguous prefix of it (as git takes abbreviated object names); a
// pipeline by its UUID or its name
// (docs/protocol.md#naming-jobs-and-pipelines-on-the-command-line).
#pragma once

#include "core/reads.hpp"
#include "core/storage.hpp"
#include "core/typed_uuid.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pjm::core {

// The shortest job UUID prefix accepted: every job UUID starts with its type, 107, so fewer
// characters would match nearly everything.
inline constexpr std::size_t k_min_uuid_prefix = 6;

// Lowercase, when `text` holds only hex digits and dashes (a UUID or a prefix of one).
std::optional<std::string> uuid_like(std::string_view text);

// A full job UUID as it is stored (lowercase), without reading anything: invalid when `text`
// is not a job UUID in any case. For the doors that cannot look a prefix up.
Result<std::string> full_job_uuid(std::string_view text);

// A full job UUID (any case) is returned lowercased, whether such a job exists or not (the
// command that uses it says not found); a shorter prefix is looked up among all jobs, hidden
// ones too: not_found when none starts with it, usage when several do (they are listed).
Result<std::string> resolve_job(Storage& storage, std::string_view text);

// Text shaped like a whole UUID (any case) is returned lowercased, whatever its type (the
// message check refuses another type's); anything else is a name, or an unambiguous prefix of
// a pipeline UUID, looked up among the registered pipelines.
Result<std::string> resolve_pipeline(Storage& storage, std::string_view text);

// Without a database (client mode): a UUID is lowercased, a name gives the UUID pipeline add
// derives from it by default.
std::string pipeline_uuid_from_name(const UuidFactory& uuids, std::string_view text);

} // namespace pjm::core
