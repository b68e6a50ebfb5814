// Settings and their precedence (docs/protocol.md#settings-and-their-sources): flags, then
// PJM_* environment, then the config file ($XDG_CONFIG_HOME/pjm/config.toml over
// /etc/pjm/config.toml), then defaults.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::cli {

// What a setting's value must be. Numbers and switches are checked when the settings are
// resolved, whatever the command and mode (cli/setting_values.hpp), so `--retries abc` is a
// usage error even where no request is sent.
enum class SettingKind { text, seconds, count, on_off };

struct SettingDef {
    std::string_view name;   // key in the config file and in -v output
    std::string_view env;    // PJM_* variable, empty when none
    std::string_view option; // global option taking its value ("--db"), empty when none
    std::string_view help;   // what it is: the option's --help text
    bool secret = false;     // redacted wherever settings are shown
    bool in_config = true;   // may be set in the config file
    std::string_view value_name = "TEXT"; // what --help shows after the option: URL, SECONDS…
    SettingKind kind = SettingKind::text;
    double min = 0, max = 0; // bounds of a seconds or count setting
};

// The row of a setting, or nullptr.
const SettingDef* find_setting(std::string_view name);

// The one table of settings: pjm's global options that take a setting's value are made from its
// rows (a new setting is one row).
const std::vector<SettingDef>& setting_defs();
// The --help text of a setting's option: its help, and the variable that sets it too.
std::string option_help(const SettingDef& def);

class Settings {
  public:
    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string fallback) const;
    bool truthy(std::string_view name) const;
    // Where the value came from: "flag", "env PJM_X", "config FILE", "default".
    std::string source(std::string_view name) const;
    // Every set value as "name = value (source)", secrets redacted; for -v.
    std::vector<std::string> describe() const;
    std::vector<std::string> config_files; // files read, in order

    void set(std::string name, std::string value, std::string source);

  private:
    std::map<std::string, std::pair<std::string, std::string>, std::less<>> m_values;
};

// Resolves every setting. `flags` holds the values given on the command line;
// `config_path` the --config flag (which must then exist). Throws CliError (usage) on a
// malformed or unreadable config file, or an unknown key in it.
Settings resolve_settings(const std::map<std::string, std::string>& flags,
                          const std::optional<std::string>& config_path);

// The default database path: $XDG_DATA_HOME/pjm/pjm.db (~/.local/share/pjm/pjm.db).
std::string default_database_path();

} // namespace pjm::cli
