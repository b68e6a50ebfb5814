#include "cli/settings.hpp"

#include "cli/config_file.hpp"
#include "cli/errors.hpp"
#include "core/token.hpp"
#include "util/redact.hpp"
#include "util/user_dirs.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace pjm::cli {

namespace {

std::optional<std::string> read_file(const std::string& path) {
    // A directory opens fine and reads as empty: without this check, --config DIR would
    // silently mean "no settings" instead of an error.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    // A config file is a few lines: reading stops at 1 MiB (--config /dev/zero must end).
    constexpr std::size_t k_max = 1024 * 1024;
    std::string text(k_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max)
        usage_error("config file " + path + " is over 1 MiB; it should hold a few settings");
    return text;
}

void load_config_file(const std::string& path, std::map<std::string, std::string>& into,
                      std::map<std::string, std::string>& origin, bool must_exist,
                      std::vector<std::string>& files) {
    auto text = read_file(path);
    if (!text) {
        if (must_exist) usage_error("cannot read config file " + path);
        return;
    }
    files.push_back(path);
    ConfigParse parsed = parse_config(*text);
    if (parsed.error) usage_error("config file " + path + ", " + *parsed.error);
    for (auto& [key, value] : parsed.values) {
        const SettingDef* def = find_setting(key);
        if (!def || !def->in_config)
            usage_error("config file " + path + ": unknown setting '" + key +
                        "' (see 'man pjm' or the README for the settings)");
        into[key] = value;
        origin[key] = "config " + path;
    }
}

} // namespace

const std::vector<SettingDef>& setting_defs() {
    // --local and --token set "local" and "token" too, but are flags of their own: --local takes
    // no value, --token belongs to the commands that send a message.
    // A request's durations: from a tenth of a second (shorter rounds to "no limit at all" in
    // libcurl) to a day.
    constexpr double min_s = 0.1, day_s = 86400;
    using K = SettingKind;
    static const std::vector<SettingDef> defs = {
        {"database", "PJM_DATABASE", "--db", "Database: a SQLite file path or postgresql://…",
         false, true, "PATH|URL"},
        {"local", "PJM_LOCAL", "",
         "Apply messages to the configured database instead of sending them", false, true, "1|0",
         K::on_off},
        {"url", "PJM_URL", "--url", "The manager's messages URL", false, true, "URL"},
        {"tenant_url", "PJM_TENANT_URL", "--tenant-url", "Tenant base URL, used with --actor-id",
         false, true, "URL"},
        {"actor_id", "PJM_ACTOR_ID", "--actor-id", "The manager's actor id", false, true, "ID"},
        {"bearer_token", "PJM_BEARER_TOKEN", "--bearer",
         "OAuth bearer token; prefer PJM_BEARER_TOKEN or bearer_token_file", true, true, "TOKEN"},
        {"bearer_token_file", "PJM_BEARER_TOKEN_FILE", "", "File holding the bearer token", false,
         true, "FILE"},
        {"nonce", "PJM_NONCE", "--nonce", "Abaco nonce; prefer PJM_NONCE", true, true, "NONCE"},
        {"tapis_token", "PJM_TAPIS_TOKEN", "--tapis-token",
         "Tapis v3 access token (X-Tapis-Token); prefer PJM_TAPIS_TOKEN or tapis_token_file", true,
         true, "JWT"},
        {"tapis_token_file", "PJM_TAPIS_TOKEN_FILE", "", "File holding the Tapis v3 token", false,
         true, "FILE"},
        {"api", "PJM_API", "--api",
         "The manager's API: v2 (Abaco, /actors/v2) or v3 (Tapis, /v3/actors); default: "
         "v3 when --url is a /v3/actors/ URL, else v2",
         false, true, "v2|v3"},
        {"cacert", "PJM_CACERT", "--cacert", "CA bundle to verify the manager with", false, true,
         "FILE"},
        {"connect_timeout", "PJM_CONNECT_TIMEOUT", "--connect-timeout",
         "Seconds to wait for a connection, default 10", false, true, "SECONDS", K::seconds, min_s,
         day_s},
        {"timeout", "PJM_TIMEOUT", "--timeout", "Seconds a request may take in all, default 30",
         false, true, "SECONDS", K::seconds, min_s, day_s},
        {"retries", "PJM_RETRIES", "--retries",
         "Attempts after the first before a message is queued, 0 to 100, default 4", false, true,
         "N", K::count, 0, 100},
        {"retry_max_time", "PJM_RETRY_MAX_TIME", "--retry-max-time",
         "Seconds a command may wait for the manager in all (every message, attempt and "
         "pause), default 60",
         false, true, "SECONDS", K::seconds, min_s, day_s},
        {"outbox", "PJM_OUTBOX", "--outbox",
         "Folder for undelivered messages (PJM_OUTBOX; default $XDG_STATE_HOME/pjm/outbox)", false,
         true, "DIR"},
        {"admin_credential", "PJM_ADMIN_CREDENTIAL", "",
         "pjm serve's admin credential: registers pipelines and gets admin tokens from the "
         "manager; prefer admin_credential_file",
         true},
        {"admin_credential_file", "PJM_ADMIN_CREDENTIAL_FILE", "",
         "File holding the manager's admin credential", false, true, "FILE"},
        {"admin_key", "PJM_ADMIN_KEY", "", "Admin token key"},
        {"admin_secret", "PJM_ADMIN_SECRET", "", "Admin token secret", true},
        {"admin_secret_file", "PJM_ADMIN_SECRET_FILE", "", "File holding the admin secret", false,
         true, "FILE"},
        {"admin_token_lifetime", "PJM_ADMIN_TOKEN_LIFETIME", "", "Admin token window in seconds",
         false, true, "SECONDS", K::count, 1, static_cast<double>(core::k_max_admin_lifetime)},
        {"uuid_domain", "PJM_UUID_DOMAIN", "", "Domain of the typed-UUID namespace"},
        {"job_uuid", "PJM_JOB_UUID", "", "Job UUID when none is given", false, false},
        {"token", "PJM_TOKEN", "", "Job or admin token when none is given", true, false},
    };
    return defs;
}

const SettingDef* find_setting(std::string_view name) {
    for (const auto& d : setting_defs())
        if (d.name == name) return &d;
    return nullptr;
}

std::string option_help(const SettingDef& def) {
    std::string help(def.help);
    if (!def.env.empty() && help.find(def.env) == std::string::npos)
        help += " (" + std::string(def.env) + ")";
    return help;
}

std::optional<std::string> Settings::get(std::string_view name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second.first;
}

std::string Settings::get_or(std::string_view name, std::string fallback) const {
    auto v = get(name);
    return v ? *v : std::move(fallback);
}

bool Settings::truthy(std::string_view name) const {
    auto v = get(name);
    return v && (*v == "1" || *v == "true" || *v == "yes" || *v == "on");
}

std::string Settings::source(std::string_view name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? "unset" : it->second.second;
}

void Settings::set(std::string name, std::string value, std::string source) {
    m_values[std::move(name)] = {std::move(value), std::move(source)};
}

std::vector<std::string> Settings::describe() const {
    std::vector<std::string> out;
    for (const auto& [name, v] : m_values) {
        const SettingDef* def = find_setting(name);
        std::string shown =
            def && def->secret ? std::string(util::k_redacted) : util::redact_url(v.first);
        out.push_back(name + " = " + shown + " (" + v.second + ")");
    }
    return out;
}

std::string default_database_path() {
    return util::app_dir(util::UserDir::data, "pjm").path + "/pjm.db";
}

Settings resolve_settings(const std::map<std::string, std::string>& flags,
                          const std::optional<std::string>& config_path) {
    Settings s;
    std::map<std::string, std::string> config, origin;
    if (config_path) {
        load_config_file(*config_path, config, origin, true, s.config_files);
    } else if (const char* env = std::getenv("PJM_CONFIG"); env && *env) {
        load_config_file(env, config, origin, true, s.config_files);
    } else {
        // The user's file overrides the site's.
        load_config_file("/etc/pjm/config.toml", config, origin, false, s.config_files);
        if (auto user = util::app_dir(util::UserDir::config, "pjm"); !user.path.empty())
            load_config_file(user.path + "/config.toml", config, origin, false, s.config_files);
    }
    std::map<std::string, int> level; // where each value came from: 0 flag, 1 env, 2 config
    for (const auto& def : setting_defs()) {
        std::string name(def.name);
        if (auto f = flags.find(name); f != flags.end()) {
            s.set(name, f->second, "flag " + std::string(def.option));
            level[name] = 0;
        } else if (const char* e =
                       def.env.empty() ? nullptr : std::getenv(std::string(def.env).c_str());
                   e && *e) {
            s.set(name, e, "env " + std::string(def.env));
            level[name] = 1;
        } else if (auto c = config.find(name); c != config.end()) {
            s.set(name, c->second, origin[name]);
            level[name] = 2;
        }
    }
    if (!s.get("database")) s.set("database", default_database_path(), "default");
    // Secrets kept in files: read unless a direct value was given at the same or a higher
    // level, so PJM_ADMIN_SECRET_FILE still beats an admin_secret in the site's config file.
    for (auto [value, file] : {std::pair{"admin_secret", "admin_secret_file"},
                               std::pair{"bearer_token", "bearer_token_file"},
                               std::pair{"tapis_token", "tapis_token_file"},
                               std::pair{"admin_credential", "admin_credential_file"}}) {
        auto path = s.get(file);
        if (!path || (s.get(value) && level[value] <= level[file])) continue;
        auto text = read_file(*path);
        if (!text) usage_error(std::string("cannot read ") + file + " " + *path);
        std::string line = text->substr(0, text->find('\n'));
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (line.empty()) usage_error(std::string(file) + " " + *path + " is empty");
        s.set(value, line, "file " + *path);
    }
    return s;
}

} // namespace pjm::cli
