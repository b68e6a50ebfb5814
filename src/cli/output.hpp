// Printing results: one JSON document with --json, readable text otherwise.
#pragma once

#include "core/error.hpp"
#include "core/job.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::cli {

class Context;

void print_json(const nlohmann::json& doc);
// "pjm: error: …" on stderr; with --json also {"error": {"kind", "message"}} on stdout.
void print_error(bool json, core::ErrorKind kind, const std::string& message);
// The job as a block of labelled lines followed by its history.
void print_job_human(const core::Job& job);
// Columns padded to their widest cell; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

} // namespace pjm::cli
