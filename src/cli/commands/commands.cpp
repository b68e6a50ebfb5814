#include "cli/commands/commands.hpp"

#include "cli/command.hpp"

namespace pjm::cli {

const std::vector<CommandEntry>& all_commands() {
    static const std::vector<CommandEntry> list = {
        {"event", add_event_command},
        {"delete", add_delete_command},
        {"create", add_create_command},
        {"status", add_status_command},
        {"list", add_list_command},
        {"token", add_token_command},
        {"pipeline", add_pipeline_command},
        {"handle", add_handle_command},
        {"fsm", add_fsm_command},
        {"schema", add_schema_command},
        {"db", add_db_command},
        {"export", add_export_command},
        {"import", add_import_command},
        {"outbox", add_outbox_command},
        {"exec", add_exec_command},
        {"serve", add_serve_command},
        {"subscription", add_subscription_command},
        {"__complete", add_complete_command},
    };
    return list;
}

} // namespace pjm::cli
