#include "cli/present.hpp"

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "util/printable.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

nlohmann::json or_null(const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

void print_request(const nlohmann::json& request, const nlohmann::json& kind) {
    if (request.contains("url")) {
        std::cout << "POST " << request["url"].get<std::string>() << '\n';
        for (const auto& [k, v] : request["headers"].items())
            std::cout << k << ": " << v.get<std::string>() << '\n';
    } else {
        std::cout << "apply to " << request["database"].get<std::string>() << " ("
                  << kind.get<std::string>() << ")\n";
    }
    std::cout << '\n'
              << request["body"].dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
}

} // namespace

nlohmann::json delivery_document(const Delivery& d) {
    return {
        {"outcome", d.outcome},
        {"kind", d.message_kind},
        {"uuid", d.uuid},
        {"message", d.message},
        {"job", d.job},
        {"token", d.token ? nlohmann::json(*d.token) : nlohmann::json(nullptr)},
        {"execution_id", or_null(d.execution_id)},
        {"execution", d.execution},
        {"outbox_id", or_null(d.outbox_id)},
        {"outbox", or_null(d.outbox)},
        {"request", d.request},
    };
}

int present(const Context& ctx, const Delivery& d) {
    const bool json = ctx.flags.json;
    if (d.kind == core::ErrorKind::queued) {
        if (json) print_json(delivery_document(d));
        std::cerr << "pjm: not delivered now: " << util::printable(d.message, util::Newlines::keep)
                  << '\n';
        return core::exit_code(d.kind);
    }
    if (!d.ok()) {
        print_error(json, d.kind, d.message);
        return core::exit_code(d.kind);
    }
    if (json) {
        print_json(delivery_document(d));
        return 0;
    }
    if (!d.request.is_null()) {
        print_request(d.request, d.message_kind);
        std::cerr << "pjm: " << d.message << '\n';
    } else if (d.token && d.uuid.is_string()) {
        std::cout << "created job " << d.uuid.get<std::string>() << '\n'
                  << "token " << *d.token << "  (shown once: keep it to send this job's events)\n";
    } else if (!d.execution.is_null()) { // --wait: the execution's logs
        std::cout << util::printable(d.message, util::Newlines::keep) << '\n';
    } else {
        std::cout << util::printable(d.message.empty() ? std::string("sent") : d.message,
                                     util::Newlines::keep);
        if (!d.execution_id.empty()) std::cout << " (execution " << d.execution_id << ")";
        std::cout << '\n';
    }
    return 0;
}

} // namespace pjm::cli
