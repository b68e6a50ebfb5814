// The table of subcommands: pjm describes only the commands a command line names, finding them
// by the table's word, so each word must be the name its registrar gives the command.
#include "cli/commands/commands.hpp"
#include "cli/context.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

TEST(Commands, EachWordIsTheNameItsRegistrarAdds) {
    std::set<std::string> seen;
    for (const CommandEntry& entry : all_commands()) {
        Context ctx;
        Command root("pjm", "test");
        entry.add(root, ctx);
        ASSERT_EQ(root.subs().size(), 1u) << entry.name << " adds one command";
        EXPECT_EQ(root.subs().front().name(), entry.name);
        EXPECT_TRUE(seen.insert(entry.name).second) << entry.name << " is listed once";
    }
    EXPECT_GE(seen.size(), 18u);
}

} // namespace
} // namespace pjm::cli
