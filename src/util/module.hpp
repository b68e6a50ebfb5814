// Shared modules loaded with dlopen on first use (ARCHITECTURE.md, "Start-up cost"): the HTTP
// client, the server and the PostgreSQL backend live outside the pjm binary so commands
// that do not need them never pay for their libraries. Knows nothing of pjm's domain.
#pragma once

#include <string>
#include <vector>

namespace pjm::util {

class Module {
  public:
    // Loads lib/pjm/pjm-<name>.so (see module_dirs()); throws std::runtime_error saying where
    // it looked and why it failed. Checks the module's pjm_<symbol_prefix>_abi_version().
    static Module load(const std::string& name, int abi_version);

    Module(Module&& other) noexcept;
    Module& operator=(Module&& other) noexcept;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    ~Module();

    // The address of an exported symbol; throws when the module lacks it.
    void* symbol(const char* name) const;
    template <typename Fn> Fn function(const char* name) const {
        return reinterpret_cast<Fn>(symbol(name));
    }
    const std::string& path() const { return m_path; }

  private:
    Module(void* handle, std::string path) : m_handle(handle), m_path(std::move(path)) {}
    void* m_handle = nullptr;
    std::string m_path;
};

// Where modules are looked for, in order: $PJM_MODULE_DIR, then <binary>/../lib/pjm.
std::vector<std::string> module_dirs();
// Names of the modules found ("remote-curl", "server", …), for `pjm --version`.
std::vector<std::string> available_modules();
// The folder holding the running executable.
std::string executable_dir();

} // namespace pjm::util
