// The credentials pjm serve checks, read from their files at start and read again on SIGHUP
// (docs/http.md#reloading): a reload builds a whole new Authenticator and swaps it in at once,
// so a request is checked against either the old set or the new one, never a mix, and a
// reload that fails (a file missing, empty, or holding a short value) keeps the old set.
#pragma once

#include "server/auth.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace pjm::server {

class LiveCredentials {
  public:
    // Reads the files; throws std::invalid_argument as Authenticator::from_sources does.
    explicit LiveCredentials(CredentialSources sources);

    // The set in force now; a request keeps the one it took for as long as it needs it.
    std::shared_ptr<const Authenticator> current() const;

    // Reads the files again and swaps the new set in; throws std::invalid_argument (the old
    // set stays) when it cannot.
    void reload();

    // What is in force, for the log: "2 bearer tokens, 1 nonce, …" (no secret).
    std::string summary() const;

  private:
    CredentialSources m_sources;
    mutable std::mutex m_mutex;
    std::shared_ptr<const Authenticator> m_current;
};

} // namespace pjm::server
