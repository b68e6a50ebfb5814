// One registrar per subcommand, each defined in its own file in this folder.
#pragma once

#include "cli/command.hpp"

namespace pjm::cli {

void add_event_command(CLI::App& app, Context& ctx, Commands& commands);
void add_delete_command(CLI::App& app, Context& ctx, Commands& commands);
void add_create_command(CLI::App& app, Context& ctx, Commands& commands);
void add_status_command(CLI::App& app, Context& ctx, Commands& commands);
void add_list_command(CLI::App& app, Context& ctx, Commands& commands);
void add_token_command(CLI::App& app, Context& ctx, Commands& commands);
void add_pipeline_command(CLI::App& app, Context& ctx, Commands& commands);
void add_handle_command(CLI::App& app, Context& ctx, Commands& commands);
void add_fsm_command(CLI::App& app, Context& ctx, Commands& commands);
void add_schema_command(CLI::App& app, Context& ctx, Commands& commands);
void add_db_command(CLI::App& app, Context& ctx, Commands& commands);
void add_export_command(CLI::App& app, Context& ctx, Commands& commands);
void add_import_command(CLI::App& app, Context& ctx, Commands& commands);
void add_outbox_command(CLI::App& app, Context& ctx, Commands& commands);
void add_exec_command(CLI::App& app, Context& ctx, Commands& commands);
void add_serve_command(CLI::App& app, Context& ctx, Commands& commands);

} // namespace pjm::cli
