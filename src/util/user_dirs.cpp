#include "util/user_dirs.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace pjm::util {

namespace {

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

// A home worth keeping files under: absolute, not "/", and an existing directory.
bool usable_home(const std::string& home) {
    std::error_code ec;
    return home.size() > 1 && home.front() == '/' && std::filesystem::is_directory(home, ec);
}

std::optional<std::string> passwd_home() {
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found ||
        !found->pw_dir)
        return std::nullopt;
    return std::string(found->pw_dir);
}

} // namespace

AppDir app_dir(UserDir which, std::string_view app) {
    bool data = which == UserDir::data;
    const char* xdg = data                      ? "XDG_DATA_HOME"
                      : which == UserDir::state ? "XDG_STATE_HOME"
                                                : "XDG_CONFIG_HOME";
    std::string under_home = data                      ? "/.local/share/"
                             : which == UserDir::state ? "/.local/state/"
                                                       : "/.config/";
    if (auto base = env(xdg); base && base->front() == '/')
        return {*base + "/" + std::string(app), "$" + std::string(xdg)};
    if (auto home = env("HOME"); home && usable_home(*home))
        return {*home + under_home + std::string(app), "$HOME"};
    if (auto home = passwd_home(); home && usable_home(*home))
        return {*home + under_home + std::string(app), "the passwd entry's home (HOME is not set)"};
    if (which == UserDir::config) return {"", "no home: no user configuration"};
    std::string system = std::string(data ? "/var/lib/" : "/var/spool/") + std::string(app);
    uid_t uid = ::geteuid();
    if (uid != 0) system += "/user-" + std::to_string(uid); // job spool files are numbers
    return {system, "the system folder (no HOME, and no home in the passwd entry)"};
}

} // namespace pjm::util
