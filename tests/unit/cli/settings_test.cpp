// The settings table: each row with a global option makes that option, whose --help names the
// variable that sets the same value.
#include "cli/settings.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace pjm::cli {
namespace {

TEST(Settings, OptionHelpNamesTheVariable) {
    int options = 0;
    for (const SettingDef& def : setting_defs()) {
        if (def.option.empty()) continue;
        ++options;
        std::string help = option_help(def);
        EXPECT_NE(help.find(def.env), std::string::npos) << def.name << ": " << help;
        EXPECT_EQ(help.find(def.env), help.rfind(def.env)) << def.name << " names it twice";
    }
    EXPECT_GT(options, 0);
}

TEST(Settings, NamesEnvironmentVariablesAndOptionsAreUnique) {
    std::set<std::string_view> names, envs, options;
    for (const SettingDef& def : setting_defs()) {
        EXPECT_TRUE(names.insert(def.name).second) << def.name;
        if (!def.env.empty()) {
            EXPECT_TRUE(envs.insert(def.env).second) << def.env;
        }
        if (!def.option.empty()) {
            EXPECT_TRUE(options.insert(def.option).second) << def.option;
        }
        EXPECT_TRUE(def.option.empty() || def.option.starts_with("--")) << def.option;
    }
}

} // namespace
} // namespace pjm::cli
