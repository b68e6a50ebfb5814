#include "cli/app.hpp"

int main(int argc, char** argv) {
    return pjm::cli::run(argc, argv);
}
