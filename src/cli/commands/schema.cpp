#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/schemas.hpp"

#include <iostream>

namespace pjm::cli {

void add_schema_command(Command& root, Context&) {
    auto kind = std::make_shared<std::string>();
    auto& sub = root.sub("schema", "Print a bundled JSON Schema (draft-07)");
    sub.option("kind", *kind, "Which schema")
        .required()
        .one_of({"event", "delete", "create", "agave", "urlparams"});
    sub.footer(examples({"pjm schema event", "pjm schema agave > agave.schema.json"}));
    sub.on_run([kind] {
        std::cout << core::schema_text(*kind);
        return 0;
    });
}

} // namespace pjm::cli
