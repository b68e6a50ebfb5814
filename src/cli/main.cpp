#include "cli/app.hpp"

#include <csignal>

int main(int argc, char** argv) {
    // Over a file size limit (ulimit -f) a write fails with EFBIG instead of killing pjm, so an
    // event that cannot be written is reported (exit 7 or 8) and nothing half-written is left.
    std::signal(SIGXFSZ, SIG_IGN);
    return pjm::cli::run(argc, argv);
}
