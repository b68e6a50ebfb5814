#include "server/live_credentials.hpp"

#include <fmt/format.h>

namespace pjm::server {

LiveCredentials::LiveCredentials(CredentialSources sources)
    : m_sources(std::move(sources)),
      m_current(std::make_shared<const Authenticator>(Authenticator::from_sources(m_sources))) {}

std::shared_ptr<const Authenticator> LiveCredentials::current() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_current;
}

void LiveCredentials::reload() {
    // Read outside the lock: requests go on being checked against the old set meanwhile.
    auto fresh = std::make_shared<const Authenticator>(Authenticator::from_sources(m_sources));
    std::lock_guard<std::mutex> lock(m_mutex);
    m_current = std::move(fresh);
}

std::string LiveCredentials::summary() const {
    auto a = current();
    std::string admins = fmt::format(", {} admin credentials", a->admin_count());
    if (a->open()) return "no authentication" + admins;
    return fmt::format("{} bearer tokens, {} nonces, {} Tapis tokens{}{}", a->bearer_count(),
                       a->nonce_count(), a->tapis_token_count(),
                       a->verifies_jwts() ? ", Tapis JWTs" : "", admins);
}

} // namespace pjm::server
