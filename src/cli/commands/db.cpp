#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/errors.hpp"
#include "cli/output.hpp"
#include "cli/setting_values.hpp"
#include "cli/settings.hpp"
#include "core/timefmt.hpp"
#include "store/store.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

int run_db(Context& ctx, store::SchemaAction action) {
    std::string url = ctx.settings.get_or("database", default_database_path());
    ctx.trace("database " + url);
    store::SchemaReport r;
    try {
        r = store::update_schema(url, action);
    } catch (const core::StorageError& e) {
        throw CliError(core::ErrorKind::storage, e.what());
    }
    if (ctx.flags.json) {
        print_json({{"database", r.database},
                    {"before", r.before},
                    {"after", r.after},
                    {"current", r.current}});
        return 0;
    }
    std::string v = "schema version " + std::to_string(r.after);
    if (r.before == r.after && r.after == r.current)
        std::cout << r.database << ": " << v << ", current; nothing to do\n";
    else if (r.before == r.after)
        std::cout << r.database << ": " << v << ", older than this pjm's " << r.current
                  << "; run 'pjm db migrate' to bring it up to date\n";
    else if (r.before == 0)
        std::cout << r.database << ": initialized at " << v << '\n';
    else
        std::cout << r.database << ": migrated from schema version " << r.before << " to "
                  << r.after << '\n';
    return 0;
}

// pjm db prune: executions older than the duration go (docs/protocol.md#execution-retention),
// a thousand a transaction, as pjm serve --keep-executions does.
int run_prune(Context& ctx, const std::string& older_than) {
    if (older_than.empty())
        usage_error("say what to prune: --executions-older-than DURATION (at least 7d)");
    long long keep = parse_duration_s(older_than, "--executions-older-than");
    if (keep < store::k_min_execution_retention_s)
        usage_error("--executions-older-than must be at least 7d: an execution is what answers "
                    "a repeated Idempotency-Key");
    std::string before = core::rfc3339_ms(ctx.clock.now_ms() - keep * 1000);
    std::size_t total = 0;
    try {
        auto& db = ctx.database();
        for (std::size_t n; (n = db.prune_executions(before, 1000)) > 0;) {
            total += n;
            if (n < 1000) break;
        }
    } catch (const core::StorageError& e) {
        throw CliError(core::ErrorKind::storage, std::string(e.what()) + " (after " +
                                                     std::to_string(total) +
                                                     " executions were deleted)");
    }
    if (ctx.flags.json)
        print_json({{"pruned", total}, {"started_before", before}});
    else
        std::cout << "pruned " << total << " executions that started before " << before << '\n';
    return 0;
}

} // namespace

void add_db_command(Command& root, Context& ctx) {
    auto& sub = root.sub("db", "Create or upgrade the job database's schema; prune executions");
    sub.require_subcommand(1);
    sub.footer(examples({
        "pjm --db /scratch/pjm/jobs.db db init",
        "pjm --db postgresql://pjm@db.example.org/pjm db init",
        "PGPASSWORD=… pjm --db postgresql://pjm@db.example.org/pjm db migrate",
    }));
    auto& init = sub.sub(
        "init", "Create the database (a SQLite file) and its tables if it has none; a database "
                "that has them is left as it is");
    init.footer(examples({
        "pjm --db /scratch/pjm/jobs.db db init",
        "createdb pjm && pjm --db postgresql://localhost/pjm db init",
        "pjm --json --db postgresql://localhost/pjm db init",
    }));
    init.on_run([&ctx] { return run_db(ctx, store::SchemaAction::init); });
    auto& migrate = sub.sub(
        "migrate", "Upgrade the database's schema to this pjm's version. A PostgreSQL database "
                   "shared by several machines is upgraded only this way, once every pjm that "
                   "uses it has been upgraded (an older pjm refuses a newer schema)");
    migrate.footer(examples({
        "pjm --db postgresql://pjm@db.example.org/pjm db migrate",
        "pjm --db /scratch/pjm/jobs.db db migrate",
    }));
    migrate.on_run([&ctx] { return run_db(ctx, store::SchemaAction::migrate); });
    auto older_than = std::make_shared<std::string>();
    auto& prune = sub.sub("prune", "Delete pjm serve's executions that started longer ago than "
                                   "a duration (jobs and their histories are never pruned)");
    prune
        .option("--executions-older-than", *older_than,
                "How old an execution is deleted: at least 7d (e.g. 30d, 12w)")
        .type_name("DURATION");
    prune.footer(
        examples({"pjm --db /var/lib/pjm-serve/pjm.db db prune --executions-older-than 30d",
                  "pjm serve --keep-executions 30d …   (the same, done by the server)"}));
    prune.on_run([&ctx, older_than] { return run_prune(ctx, *older_than); });
}

} // namespace pjm::cli
