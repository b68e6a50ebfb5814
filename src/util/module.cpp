#include "util/module.hpp"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace pjm::util {

namespace fs = std::filesystem;

std::string executable_dir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

std::vector<std::string> module_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("PJM_MODULE_DIR"); env && *env) dirs.emplace_back(env);
    dirs.push_back((fs::path(executable_dir()) / ".." / "lib" / "pjm").lexically_normal().string());
    return dirs;
}

std::vector<std::string> available_modules() {
    std::vector<std::string> names;
    for (const auto& dir : module_dirs()) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            std::string file = entry.path().filename().string();
            if (file.rfind("pjm-", 0) != 0 || entry.path().extension() != ".so") continue;
            std::string name = file.substr(4, file.size() - 7);
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

Module Module::load(const std::string& name, int abi_version) {
    std::string tried;
    for (const auto& dir : module_dirs()) {
        fs::path path = fs::path(dir) / ("pjm-" + name + ".so");
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            tried += " " + path.string();
            continue;
        }
        // RTLD_LOCAL: the module's libraries (libcurl, libpq, …) stay out of the global scope.
        // RTLD_LAZY: libcurl drags in ~25 libraries (OpenSSL, GnuTLS, Kerberos, LDAP, …) with
        // thousands of symbols a send never calls; binding them all up front (RTLD_NOW) cost
        // ~2 ms per `pjm event`, more than curl's whole start-up (bench/client_vs_curl.sh).
        // The ABI check below still catches a module from another build at once.
        void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
        if (!handle)
            throw std::runtime_error("cannot load module " + path.string() + ": " + dlerror());
        Module m(handle, path.string());
        std::string symbol = "pjm_module_abi_version";
        auto version = m.function<int (*)()>(symbol.c_str());
        if (version() != abi_version)
            throw std::runtime_error("module " + path.string() + " speaks ABI " +
                                     std::to_string(version()) + ", this pjm needs " +
                                     std::to_string(abi_version) +
                                     "; install matching pjm and modules");
        return m;
    }
    // Each module comes in a package of its own (docs/packaging.md).
    std::string package = name == "server"           ? "pjm-server"
                          : name == "store-postgres" ? "pjm-postgres"
                                                     : "pjm";
    throw std::runtime_error("module pjm-" + name + ".so not found (looked in" + tried +
                             "); install it (Debian: the " + package +
                             " package), or set PJM_MODULE_DIR");
}

Module::Module(Module&& other) noexcept
    : m_handle(std::exchange(other.m_handle, nullptr)), m_path(std::move(other.m_path)) {}

Module& Module::operator=(Module&& other) noexcept {
    if (this != &other) {
        if (m_handle) dlclose(m_handle);
        m_handle = std::exchange(other.m_handle, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

// Modules stay mapped until exit: objects they made (threads, atexit handlers of their
// libraries) may outlive the last call, and unloading buys nothing in a short process.
Module::~Module() = default;

void* Module::symbol(const char* name) const {
    dlerror();
    void* p = dlsym(m_handle, name);
    if (!p) throw std::runtime_error("module " + m_path + " lacks " + name);
    return p;
}

} // namespace pjm::util
