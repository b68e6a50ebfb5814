// Printing results: one JSON document with --json, readable text otherwise. Human output is
// coloured and sized as cli/terminal decides; JSON never is.
#pragma once

#include "cli/terminal.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::cli {

class Context;

// One JSON document on stdout; with --template, the document (each element of a list) through
// the template instead, one line each.
void print_json(const nlohmann::json& doc);
// --template TEXT for the rest of the process; throws CliError (usage) when it does not parse.
void use_template(const std::string& text);
// "pjm: error: …" on stderr ("error:" red on a colour terminal); with --json also
// {"error": {"kind", "message"}} on stdout (not with --template: stdout stays for results).
void print_error(bool json, core::ErrorKind kind, const std::string& message);

// One cell of a table: pieces of text, each in its colour (control characters are shown
// escaped).
struct Cell {
    struct Span {
        std::string text;
        Color color = Color::none;
    };
    std::vector<Span> spans;
    Cell(std::string t, Color c = Color::none) : spans{{std::move(t), c}} {}
    Cell(const char* t) : spans{{t, Color::none}} {}
    Cell(std::vector<Span> s) : spans(std::move(s)) {}
    std::string text() const; // without colour
};

struct Table {
    std::vector<std::string> header; // empty: no header row
    std::vector<std::vector<Cell>> rows;
    std::string indent; // before every line
    // Columns (by index) that are left out, in this order, while the table is wider than the
    // width it may take.
    std::vector<std::size_t> optional;
    // Then the last column is cut ("...") to fit, though never to fewer than 16 columns.
    bool clip_last = false;
};

// The table as text: columns padded to their widest cell (counted in characters, colour
// sequences aside), two spaces apart, no trailing blanks; `width` nothing: no limit.
std::string render_table(const Table& table, const Style& style, std::optional<std::size_t> width);
// On stdout, with stdout's style and width.
void print_table(const Table& table);
// Plain rows, the first one the header, no limit.
void print_table(const std::vector<std::vector<std::string>>& rows);

// The job as a block of labelled lines followed by its history, times relative to `clock`.
std::string render_job(const core::Job& job, const core::Clock& clock, const Style& style,
                       std::optional<std::size_t> width);
void print_job_human(const core::Job& job, const core::Clock& clock);

// A JSON value on one line, cut to `width` characters; "" for an empty object.
std::string json_summary(const nlohmann::json& value, std::size_t width);

} // namespace pjm::cli
