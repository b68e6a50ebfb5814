#include "cli/output.hpp"

#include "cli/doc_template.hpp"
#include "cli/errors.hpp"
#include "cli/humanize.hpp"
#include "util/printable.hpp"

#include <algorithm>
#include <iostream>

namespace pjm::cli {

namespace {

std::optional<DocTemplate>& output_template() {
    static std::optional<DocTemplate> t;
    return t;
}

} // namespace

void use_template(const std::string& text) {
    try {
        output_template() = DocTemplate::parse(text);
    } catch (const std::invalid_argument& e) {
        usage_error(std::string("--template: ") + e.what());
    }
}

void print_json(const nlohmann::json& doc) {
    const auto& t = output_template();
    if (!t) {
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return;
    }
    std::vector<std::string> missing;
    if (doc.is_array())
        for (const auto& element : doc)
            std::cout << t->render(element, missing) << '\n';
    else
        std::cout << t->render(doc, missing) << '\n';
    if (!missing.empty()) {
        // Once, after the output: the fields asked for that the documents do not have.
        std::sort(missing.begin(), missing.end());
        missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
        const nlohmann::json& sample = doc.is_array() && !doc.empty() ? doc.front() : doc;
        std::string fields, have;
        for (const auto& m : missing)
            fields += (fields.empty() ? "" : ", ") + m;
        if (sample.is_object())
            for (const auto& [key, value] : sample.items())
                have += (have.empty() ? "" : " ") + key;
        std::cerr << "pjm: warning: --template: no field "
                  << util::printable(fields, util::Newlines::escape)
                  << " (printed as nothing); the documents have: " << have << '\n';
    }
}

void print_error(bool json, core::ErrorKind kind, const std::string& message) {
    // Messages may quote what the user gave; control characters must not reach the terminal.
    std::string shown = util::printable(message, util::Newlines::keep);
    std::cerr << "pjm: " << err_style().paint("error:", Color::red) << ' ' << shown << '\n';
    if (json && !output_template())
        print_json({{"error", {{"kind", core::kind_name(kind)}, {"message", message}}}});
}

std::string Cell::text() const {
    std::string all;
    for (const auto& s : spans)
        all += s.text;
    return all;
}

std::string render_table(const Table& table, const Style& style, std::optional<std::size_t> width) {
    // Every cell made printable first: widths are measured on what is shown.
    std::vector<std::vector<Cell>> rows;
    if (!table.header.empty()) {
        rows.emplace_back();
        for (const auto& h : table.header)
            rows.back().emplace_back(util::printable(h));
    }
    for (const auto& row : table.rows) {
        rows.emplace_back();
        for (const auto& cell : row) {
            std::vector<Cell::Span> spans;
            for (const auto& s : cell.spans)
                spans.push_back({util::printable(s.text), s.color});
            rows.back().emplace_back(std::move(spans));
        }
    }
    std::size_t columns = 0;
    for (const auto& row : rows)
        columns = std::max(columns, row.size());
    std::vector<std::size_t> col_width(columns, 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            col_width[i] = std::max(col_width[i], display_width(row[i].text()));

    std::vector<bool> shown(columns, true);
    auto total = [&] {
        std::size_t sum = display_width(table.indent), n = 0;
        for (std::size_t i = 0; i < columns; ++i)
            if (shown[i]) sum += col_width[i], ++n;
        return sum + (n > 1 ? 2 * (n - 1) : 0);
    };
    std::size_t last = columns; // the last column shown
    if (width) {
        for (std::size_t i : table.optional) {
            if (total() <= *width) break;
            if (i < columns) shown[i] = false;
        }
        for (std::size_t i = columns; i-- > 0;)
            if (shown[i]) {
                last = i;
                break;
            }
        if (table.clip_last && last < columns && total() > *width) {
            std::size_t others = total() - col_width[last];
            std::size_t room = *width > others ? *width - others : 0;
            room = std::max<std::size_t>(room, 16);
            if (room < col_width[last]) {
                for (auto& row : rows)
                    if (last < row.size() && display_width(row[last].text()) > room)
                        row[last] = Cell(clip(row[last].text(), room), row[last].spans[0].color);
                col_width[last] = room;
            }
        }
    }

    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        std::string line = table.indent;
        std::size_t pending = 0; // padding owed before the next cell
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (!shown[i]) continue;
            line.append(pending, ' ');
            std::size_t w = 0;
            for (const auto& s : row[i].spans) {
                line += style.paint(s.text, s.color);
                w += display_width(s.text);
            }
            pending = col_width[i] - std::min(w, col_width[i]) + 2;
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + '\n';
    }
    return out;
}

void print_table(const Table& table) {
    std::cout << render_table(table, out_style(), out_width());
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
    Table t;
    for (const auto& row : rows)
        t.rows.emplace_back(row.begin(), row.end());
    std::cout << render_table(t, Style(false), std::nullopt);
}

std::string json_summary(const nlohmann::json& value, std::size_t width) {
    if (value.is_object() && value.empty()) return "";
    return clip(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), width);
}

namespace {

// "3 minutes ago (2026-11-28T05:13:21.123Z)"
std::string when(const std::string& date, const core::Clock& clock) {
    std::string rel = ago(date, clock);
    return rel == date ? date : rel + " (" + date + ")";
}

// The state an event leads to whatever the state before it, when there is one such state
// (a page of history that begins after create starts from an unknown state).
std::optional<core::State> sole_target(core::Event ev) {
    std::optional<core::State> target;
    for (core::State from : core::all_states()) {
        auto to = core::transition(from, ev);
        if (!to) continue;
        if (target && *target != *to) return std::nullopt;
        target = to;
    }
    return target;
}

// The state each history entry left the job in, replaying the lifecycle from create; on a page
// that starts later (`mid_history`), from the first of its events whose outcome does not
// depend on where it began. Nothing where the history does not follow the lifecycle (an entry
// pjm does not know, an event its state does not allow) and from there on.
struct Step {
    std::optional<core::State> from, to;
    bool moves = true;
};
std::vector<Step> replay(const std::vector<core::HistoryEntry>& history, bool mid_history) {
    std::vector<Step> steps;
    std::optional<core::State> state;
    bool anchored = !mid_history; // a state known (or lost) since the page began
    for (const auto& e : history) {
        Step step{state, std::nullopt, true};
        auto ev = core::parse_event(e.name);
        if (ev == core::Event::create) {
            step.from.reset();
            step.to = core::State::created;
        } else if (ev && state && core::keeps_state(*ev)) {
            step.to = state;
            step.moves = false;
        } else if (ev && state) {
            step.to = core::transition(*state, *ev);
        } else if (ev && !anchored && !core::keeps_state(*ev)) {
            step.to = sole_target(*ev);
        }
        anchored = anchored || step.to.has_value();
        steps.push_back(step);
        state = step.to;
    }
    return steps;
}

Cell state_cell(const Step& s) {
    auto name = [](core::State st) { return std::string(core::to_string(st)); };
    if (!s.to) return Cell("?");
    if (!s.moves) return Cell(name(*s.to), Color::dim);
    std::vector<Cell::Span> spans;
    if (s.from) spans.push_back({name(*s.from) + " -> ", Color::none});
    spans.push_back({name(*s.to), state_color(*s.to)});
    return Cell(std::move(spans));
}

} // namespace

std::string render_job(const core::Job& job, const core::Clock& clock, const Style& style,
                       std::optional<std::size_t> width) {
    Table info;
    std::vector<Cell::Span> state = {
        {std::string(core::to_string(job.state)), state_color(job.state)},
        {" (" + std::string(core::describe(job.state)) + ")", Color::none}};
    if (!job.visible) state.push_back({" [deleted]", Color::red});
    info.rows = {
        {"job:", job.uuid},
        {"pipeline:", job.pipeline_uuid},
        {"state:", Cell(std::move(state))},
        {"last event:", job.last_event},
        {"updated:", when(job.updated, clock)},
        {"created:", when(job.created, clock)},
        {"archive:",
         job.archive_system ? *job.archive_system + ":" + job.archive_path : job.archive_path},
        {"data:", job.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
    };
    if (job.session) info.rows.push_back({"session:", *job.session});
    if (job.agent) info.rows.push_back({"agent:", *job.agent});
    if (job.task) info.rows.push_back({"task:", *job.task});
    std::string out = render_table(info, style, std::nullopt);
    if (job.history.empty()) return out;

    auto count = [](std::int64_t n) { return std::to_string(n) + (n == 1 ? " event" : " events"); };
    auto shown = static_cast<std::int64_t>(job.history.size());
    std::int64_t last = job.history_start + shown - 1;
    if (job.history_start == 1 && last >= job.event_count)
        out += "\nhistory (" + count(shown) + "):\n";
    else
        out += "\nhistory (events " + std::to_string(job.history_start) + " to " +
               std::to_string(last) + " of " + std::to_string(job.event_count) + "):\n";
    Table history;
    history.indent = "  ";
    history.header = {"SEQ", "WHEN", "DATE", "EVENT", "STATE", "DATA"};
    history.optional = {2}; // the absolute date goes first when the terminal is narrow
    history.clip_last = true;
    auto steps = replay(job.history, job.history_start > 1);
    for (std::size_t i = 0; i < job.history.size(); ++i) {
        const auto& e = job.history[i];
        history.rows.push_back({std::to_string(job.history_start + static_cast<std::int64_t>(i)),
                                ago(e.date, clock), e.date, e.name, state_cell(steps[i]),
                                json_summary(e.data, 80)});
    }
    out += render_table(history, style, width);
    if (job.history_start > 1)
        out += "  (" + count(job.history_start - 1) + " before these: pjm status " + job.uuid +
               " --before " + std::to_string(job.history_start) + ")\n";
    return out;
}

void print_job_human(const core::Job& job, const core::Clock& clock) {
    std::cout << render_job(job, clock, out_style(), out_width());
}

} // namespace pjm::cli
