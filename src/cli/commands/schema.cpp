#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/schemas.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace pjm::cli {

void add_schema_command(CLI::App& app, Context&, Commands& commands) {
    auto kind = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("schema", "Print a bundled JSON Schema (draft-07)");
    sub->add_option("kind", *kind, "Which schema")
        ->required()
        ->check(CLI::IsMember({"event", "delete", "create", "agave", "urlparams"}));
    sub->footer(examples({"pjm schema event", "pjm schema agave > agave.schema.json"}));
    commands.on(sub, [kind] {
        std::cout << core::schema_text(*kind);
        return 0;
    });
}

} // namespace pjm::cli
