// --template: a command's result documents (what --json prints) written through a small
// template instead, one line per document, one per element of a list: `{uuid}`, `{job.state}`,
// `{history.0.name}` take a field by its path; `{{` and `}}` are braces; `\t`, `\n` and `\\`
// are a tab, a newline and a backslash. Strings come as they are, null as nothing, anything
// else as compact JSON. (docs/json-output.md#templates)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pjm::cli {

class DocTemplate {
  public:
    // Throws std::invalid_argument, naming the position, when a brace is unmatched or a field
    // name is empty or holds anything but letters, digits, '_', '-' and '.'.
    static DocTemplate parse(const std::string& text);

    // One document through the template. Paths the document does not have render as nothing
    // and are added to `missing`.
    std::string render(const nlohmann::json& doc, std::vector<std::string>& missing) const;

  private:
    struct Piece {
        std::string text;              // literal text, or
        std::vector<std::string> path; // a field's path
    };
    std::vector<Piece> m_pieces;
};

} // namespace pjm::cli
