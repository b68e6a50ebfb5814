#include "remote/wait.hpp"

#include "core/key_case.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace pjm::remote {

Waited wait_for_execution(const AbacoClient& client, const std::string& execution_id, int seconds,
                          const std::function<void(const std::string&)>& trace) {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::seconds(seconds);
    auto pause = std::chrono::milliseconds(50);
    while (true) {
        Reply r = client.get_execution(execution_id);
        if (!r.ok()) return {r.kind, 0, r.message, {}};
        std::string status = r.result.is_object() ? r.result.value("status", "") : "";
        if (trace) trace("execution " + execution_id + ": " + status);
        if (status == "ERROR")
            return {core::ErrorKind::remote, 0,
                    "execution " + execution_id + " failed on the manager (status ERROR)",
                    r.result};
        if (status == "COMPLETE") {
            // Abaco says exit_code (exitCode on camel deployments), or "undetermined".
            const nlohmann::json* code = core::either_case(r.result, "exit_code");
            if (!code || !code->is_number_integer())
                return {core::ErrorKind::remote, 0,
                        "execution " + execution_id + " completed without an exit code (" +
                            (code ? code->dump() : std::string("none")) + ")",
                        r.result};
            Waited w{core::ErrorKind::ok, code->get<int>(), {}, r.result};
            Reply logs = client.get_execution_logs(execution_id);
            if (logs.ok() && logs.result.is_object()) w.logs = logs.result.value("logs", "");
            while (!w.logs.empty() && w.logs.back() == '\n')
                w.logs.pop_back();
            return w;
        }
        if (clock::now() >= deadline)
            return {core::ErrorKind::remote,
                    0,
                    "execution " + execution_id + " did not complete within " +
                        std::to_string(seconds) + " s (last status '" + status +
                        "'); check it later with 'pjm status --execution " + execution_id + "'",
                    {}};
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
}

} // namespace pjm::remote
