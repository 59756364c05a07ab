// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <vector>

#include "tlog/conf/options.hpp"

namespace tlog::rec {

/// tlog-rec's command line, parsed but not yet applied: the settings go on
/// top of the configuration files, read only after --help and --version
/// had their chance.
struct CommandLine : conf::ProgramOptions {
	std::vector<std::string> command; ///< the program and its arguments; empty: a shell
};

/// Parses tlog-rec's options. "-o FILE" alone also selects the file
/// writer; "-c STRING [ARG...]" runs "$SHELL -c STRING ARG...". Uses
/// getopt_long, so it is not reentrant.
/// Throws: base::UsageError for an unknown or incomplete option.
CommandLine parseCommandLine(int argc, char *argv[]);

/// The text of tlog-rec --help.
const char *usageText() noexcept;

} // namespace tlog::rec
