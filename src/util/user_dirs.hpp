// Where a program keeps a user's files when no setting names the place
// (docs/protocol.md#default-places). Scripts that schedulers run (a Slurm Epilog, a PBS
// epilogue) often have no HOME, and a default under "/" would be a place no later command looks:
//   1. $XDG_DATA_HOME, $XDG_STATE_HOME or $XDG_CONFIG_HOME, when set to an absolute path;
//   2. else $HOME/.local/share, $HOME/.local/state or $HOME/.config, when HOME is an existing
//      directory other than "/";
//   3. else the same under the home of the user's passwd entry, when that is one;
//   4. else a system directory: /var/lib/APP or /var/spool/APP for root, and
//      /var/lib/APP/user-UID or /var/spool/APP/user-UID for another user without a home (a
//      site makes /var/lib/APP and /var/spool/APP sticky and writable by all, as /tmp is); for
//      configuration, none (the path is empty: the system-wide file is read anyway).
// The same user gets the same answer with HOME or without it.
#pragma once

#include <string>
#include <string_view>

namespace pjm::util {

enum class UserDir { data, state, config };

struct AppDir {
    std::string path; // the application's folder, e.g. /home/u/.local/state/pjm
    std::string from; // how it was chosen, for messages: "$HOME", "the passwd entry's home", …
};

AppDir app_dir(UserDir which, std::string_view app);

} // namespace pjm::util
