#include "cli/commands/commands.hpp"

#include "cli/command.hpp"

namespace pjm::cli {

const std::vector<Registrar>& all_commands() {
    static const std::vector<Registrar> list = {
        add_event_command,        add_delete_command,   add_create_command,   add_status_command,
        add_list_command,         add_token_command,    add_pipeline_command, add_handle_command,
        add_fsm_command,          add_schema_command,   add_db_command,       add_export_command,
        add_import_command,       add_outbox_command,   add_exec_command,     add_serve_command,
        add_subscription_command, add_complete_command,
    };
    return list;
}

} // namespace pjm::cli
