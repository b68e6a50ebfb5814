#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/door.hpp"
#include "cli/errors.hpp"
#include "cli/input.hpp"
#include "cli/present.hpp"
#include "core/handler.hpp"

namespace pjm::cli {

namespace {
struct HandleArgs {
    std::string file = "-";
    std::string query;
};
} // namespace

void add_handle_command(Command& root, Context& ctx) {
    auto args = std::make_shared<HandleArgs>();
    auto& sub = root.sub("handle",
                         "Apply a raw manager message (as POSTed to the manager) to the database");
    sub.option("file", args->file, "File holding the message body, or - for stdin (default)");
    sub.option("--query", args->query,
               "The URL's query string, e.g. 'uuid=107…&name=finish&token=…'");
    sub.footer(examples({
        "pjm handle message.json",
        "echo '{\"uuid\": \"107...\", \"name\": \"run\", \"token\": \"...\"}' | pjm handle",
        "pjm handle agave-callback.json --query 'uuid=107...&token=...'",
    }));
    sub.on_run([&ctx, args] {
        auto query = core::QueryParams::parse(args->query);
        if (!query) throw CliError(core::ErrorKind::invalid, "--query: malformed %-escape");
        std::string body =
            read_argument_text(args->file == "-" ? "-" : "@" + args->file, "message");
        // The raw text as it came: the handler parses it (a body that is not JSON is refused
        // there, as a manager would refuse it).
        remote::Outgoing message{body, nullptr, *query};
        return present(ctx, LocalDoor(ctx.handler()).deliver(message));
    });
}

} // namespace pjm::cli
