#include "cli/file_output.hpp"

#include "cli/errors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace pjm::cli {

namespace {

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
    throw CliError(core::ErrorKind::storage, "cannot write " + path + ": " + why +
                                                 " (check the folder exists and is writable)");
}

} // namespace

void write_file_whole(const std::string& path, bool force, mode_t mode,
                      const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!force && fs::exists(path, ec))
        usage_error(path + " exists already; give --force to replace it");
    std::string tmp = path + ".tmp-" + std::to_string(getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) cannot_write(path, std::strerror(errno));
    ::close(fd);
    try {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) cannot_write(path, std::strerror(errno));
        write(out);
        out.close();
        if (!out) cannot_write(path, std::strerror(errno));
        fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::fsync(fd) != 0) cannot_write(path, std::strerror(errno));
        ::close(fd);
        fs::rename(tmp, path, ec);
        if (ec) cannot_write(path, ec.message());
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

} // namespace pjm::cli
