#include "cli/output.hpp"

#include <algorithm>
#include <iostream>

namespace pjm::cli {

void print_json(const nlohmann::json& doc) {
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void print_error(bool json, core::ErrorKind kind, const std::string& message) {
    // Messages may quote what the user gave; control characters must not reach the terminal.
    std::string shown;
    for (char ch : message) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && ch != '\n') || c == 0x7f) {
            static constexpr char k_hex[] = "0123456789abcdef";
            shown += "\\x";
            shown.push_back(k_hex[c >> 4]);
            shown.push_back(k_hex[c & 0xf]);
        } else {
            shown.push_back(ch);
        }
    }
    std::cerr << "pjm: error: " << shown << '\n';
    if (json) print_json({{"error", {{"kind", core::kind_name(kind)}, {"message", message}}}});
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        std::cout << line << '\n';
    }
}

void print_job_human(const core::Job& job) {
    std::vector<std::vector<std::string>> info = {
        {"job", job.uuid},
        {"pipeline", job.pipeline_uuid},
        {"state", std::string(core::to_string(job.state)) + " (" +
                      std::string(core::describe(job.state)) + ")" +
                      (job.visible ? "" : " [deleted]")},
        {"last event", job.last_event},
        {"updated", job.updated},
        {"created", job.created},
        {"archive",
         job.archive_system ? *job.archive_system + ":" + job.archive_path : job.archive_path},
        {"data", job.data.dump()},
    };
    if (job.session) info.push_back({"session", *job.session});
    for (auto& row : info)
        row[0] += ":";
    print_table(info);
    if (job.history.empty()) return;
    std::cout << "\nhistory (" << job.history.size() << " events):\n";
    std::vector<std::vector<std::string>> rows = {{"  DATE", "EVENT", "DATA"}};
    for (const auto& e : job.history)
        rows.push_back({"  " + e.date, e.name, e.data.dump()});
    print_table(rows);
}

} // namespace pjm::cli
