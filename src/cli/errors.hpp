// The CLI's exception: an error kind (hence an exit code) and a message for stderr.
#pragma once

#include "core/error.hpp"

#include <stdexcept>
#include <string>

namespace pjm::cli {

class CliError : public std::runtime_error {
  public:
    CliError(core::ErrorKind kind, const std::string& message)
        : std::runtime_error(message), m_kind(kind) {}
    core::ErrorKind kind() const { return m_kind; }

  private:
    core::ErrorKind m_kind;
};

[[noreturn]] inline void usage_error(const std::string& message) {
    throw CliError(core::ErrorKind::usage, message);
}

} // namespace pjm::cli
