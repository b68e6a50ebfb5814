#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/kinds/kind.hpp"
#include "core/schemas.hpp"

#include <iostream>

namespace pjm::cli {

void add_schema_command(Command& root, Context&) {
    auto kind = std::make_shared<std::string>();
    auto& sub = root.sub("schema", "Print a bundled JSON Schema (draft-07)");
    std::vector<std::string> names;
    for (const core::KindSpec& k : core::message_kinds())
        names.emplace_back(k.schema);
    sub.option("kind", *kind, "Which schema (one per message kind)").required().one_of(names);
    sub.footer(
        examples({"pjm schema event", "pjm schema agave > agave.schema.json", "pjm schema tapis"}));
    sub.on_run([kind] {
        std::cout << core::schema_text(*kind);
        return 0;
    });
}

} // namespace pjm::cli
