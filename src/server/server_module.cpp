// The C entry points of pjm-server.so (server_abi.h): nothing C++ crosses them.
#include "core/error.hpp"
#include "server/config.hpp"
#include "server/server.hpp"
#include "server/server_abi.h"

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

namespace {

using pjm::core::ErrorKind;
using pjm::core::exit_code;

void set_error(char* buffer, size_t size, const std::string& text) {
    if (!buffer || size == 0) return;
    std::snprintf(buffer, size, "%s", text.c_str());
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) int pjm_module_abi_version(void) {
    return PJM_SERVER_ABI_VERSION;
}

__attribute__((visibility("default"))) int pjm_serve_run(const struct pjm_serve_options* options,
                                                         char* error, size_t error_size) {
    set_error(error, error_size, "");
    if (!options) {
        set_error(error, error_size, "no options");
        return exit_code(ErrorKind::usage);
    }
    std::string why;
    try {
        pjm::server::ServeConfig config = pjm::server::config_from(*options);
        int code = pjm::server::run(config, why);
        if (code != 0) set_error(error, error_size, why);
        return code;
    } catch (const std::invalid_argument& e) {
        set_error(error, error_size, e.what());
        return exit_code(ErrorKind::usage);
    } catch (const std::exception& e) {
        set_error(error, error_size, std::string("internal error: ") + e.what());
        return exit_code(ErrorKind::internal);
    } catch (...) {
        set_error(error, error_size, "internal error");
        return exit_code(ErrorKind::internal);
    }
}

} // extern "C"
