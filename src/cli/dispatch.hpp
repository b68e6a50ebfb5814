// Where a built message goes: applied to the local database, shown (--dry-run), or sent to
// the manager. Commands that build messages end here, so the three paths stay in one place.
#pragma once

#include "core/handler.hpp"
#include "core/query.hpp"

#include <nlohmann/json.hpp>

namespace pjm::cli {

class Context;

// Returns the exit code.
int deliver(Context& ctx, const nlohmann::json& body, const core::QueryParams& query);
// Prints a handler outcome (local mode, `pjm handle`) and returns its exit code.
int report_outcome(Context& ctx, const core::Outcome& outcome);
// The manager's messages URL from url, or tenant_url + actor_id; empty when unset.
std::string manager_url(const Context& ctx);

} // namespace pjm::cli
