// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include <getopt.h>

#include "tlog/conf/config_layers.hpp"

namespace tlog::conf {

/// One row of a program's option table: what getopt_long needs, and what
/// the option does: set a configuration key, or what its program's handler
/// does with its id.
struct Option {
	const char *name; ///< the long name ("latency"); nullptr: a short option only
	/// The short letter ('w'); or, for a long option only, a code from
	/// kFirstOptionCode on (below 65536) when the handler takes it, or 0
	/// when it sets a key.
	int id;
	int argument = no_argument; ///< no_argument, required_argument, optional_argument
	/// The key it sets, with its value, or "true" for one without (a flag,
	/// an optional BOOL given alone); nullptr: the handler's.
	const char *key = nullptr;
};

/// The first code for a long-only option the handler takes (the ones
/// below are letters and the common options').
inline constexpr int kFirstOptionCode = 257;

/// What every program's command line has: -h/--help, -v/--version,
/// --configuration, and the settings its options gave, in their order.
struct ProgramOptions {
	bool help = false;
	bool version = false;
	bool configuration = false;
	std::vector<Setting> settings;
};

/// Called with an option's id and value (nullptr without one).
using OptionHandler = std::function<void(int id, const char *value)>;

/// Parses the options of @p argv with getopt_long, stopping at the first
/// argument that is not one ("+": a command's own options stay its own):
/// -h, -v and --configuration into @p out, each option of @p table with a
/// key as a setting, each other one through @p handle. Returns the index
/// of the first argument that is not an option. Uses getopt's globals, so
/// it is not reentrant.
/// Throws: base::UsageError "unknown option -x", "unknown option --xyz",
/// "option --x needs a value"; what @p handle throws.
int parseOptions(int argc, char *argv[], std::span<const Option> table, ProgramOptions &out,
		 const OptionHandler &handle = {});

/// Answers -h (@p usage) or -v ("PROGRAM VERSION") on standard output.
/// Returns whether it did: then the program has nothing else to do.
/// Throws: std::system_error when standard output fails.
bool answerHelpOrVersion(const ProgramOptions &options, std::string_view usage);

} // namespace tlog::conf
