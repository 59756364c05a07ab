// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tlog::conf {
class PlayConfig;
} // namespace tlog::conf

namespace tlog::play {

/// tlog-play's command line, parsed but not yet applied: the settings
/// go on top of the configuration files, which are read only after
/// --help and --version had their chance.
struct CommandLine {
	bool help = false;
	bool version = false;
	bool configuration = false;
	/// (key, value text) in the order given; flags have the value "true".
	std::vector<std::pair<std::string, std::string>> settings;
};

/// Parses the options of tlog-play (the reference's, minus the readers
/// this build lacks). Uses getopt_long, so it is not reentrant.
/// Throws: base::UsageError for an unknown option, a missing value or an
/// argument that is not an option.
CommandLine parseCommandLine(int argc, char *argv[]);

/// Applies the settings of @p commandLine to @p config, last layer.
/// Throws: base::UsageError naming the key and what is wrong.
void applyCommandLine(const CommandLine &commandLine, conf::PlayConfig &config);

/// The --help text.
std::string usageText();

} // namespace tlog::play
