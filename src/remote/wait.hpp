// --wait: polling a manager's execution until it completes, with a growing pause between polls.
#pragma once

#include "core/error.hpp"
#include "remote/abaco_client.hpp"

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace pjm::remote {

// What waiting found: the execution's exit code and logs, or why waiting failed.
struct Waited {
    core::ErrorKind failure = core::ErrorKind::ok; // set when waiting itself failed
    int exit_code = 0;                             // the execution's, when it completed
    std::string logs;      // the execution's logs (trailing newlines cut), or why waiting failed
    nlohmann::json result; // the execution document, when it completed
    bool ok() const { return failure == core::ErrorKind::ok; }
};

// Polls until the manager reports the execution COMPLETE, for at most `seconds`.
Waited wait_for_execution(const AbacoClient& client, const std::string& execution_id, int seconds,
                          const std::function<void(const std::string&)>& trace);

} // namespace pjm::remote
