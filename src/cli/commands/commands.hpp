// One registrar per subcommand, each defined in its own file in this folder.
#pragma once

#include "cli/command.hpp"

namespace pjm::cli {

void add_event_command(Command& root, Context& ctx);
void add_delete_command(Command& root, Context& ctx);
void add_create_command(Command& root, Context& ctx);
void add_status_command(Command& root, Context& ctx);
void add_list_command(Command& root, Context& ctx);
void add_token_command(Command& root, Context& ctx);
void add_pipeline_command(Command& root, Context& ctx);
void add_handle_command(Command& root, Context& ctx);
void add_fsm_command(Command& root, Context& ctx);
void add_schema_command(Command& root, Context& ctx);
void add_db_command(Command& root, Context& ctx);
void add_export_command(Command& root, Context& ctx);
void add_import_command(Command& root, Context& ctx);
void add_outbox_command(Command& root, Context& ctx);
void add_exec_command(Command& root, Context& ctx);
void add_serve_command(Command& root, Context& ctx);
void add_subscription_command(Command& root, Context& ctx);
void add_complete_command(Command& root, Context& ctx); // hidden: for the completions

} // namespace pjm::cli
