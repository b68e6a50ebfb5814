// The pjm command line: global options, subcommands, and the one place exit codes are made.
#pragma once

namespace pjm::cli {

int run(int argc, char** argv);

} // namespace pjm::cli
