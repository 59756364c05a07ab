// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "tlog/conf/options.hpp"
#include "tlog/play/playback.hpp"

namespace tlog::conf {
struct PlayConfig;
} // namespace tlog::conf

namespace tlog::play {

/// tlog-play's command line, parsed but not yet applied: what it asks
/// to do (the request: --list, --json, --export, -o, --search,
/// --list-matches, --input) and the settings, which go on top of the
/// configuration files, read only after --help and --version had their
/// chance.
struct CommandLine : PlaybackRequest, conf::ProgramOptions {};

/// Parses the options of tlog-play (the reference's, minus the readers
/// this build lacks). Uses getopt_long, so it is not reentrant.
/// Throws: base::UsageError for an unknown option, a missing value or an
/// argument that is not an option.
CommandLine parseCommandLine(int argc, char *argv[]);

/// Applies the settings of @p commandLine to @p config, last layer.
/// Throws: base::UsageError naming the key and what is wrong.
void applyCommandLine(const CommandLine &commandLine, conf::PlayConfig &config);

/// Seconds since the epoch for a time as journalctl takes it:
/// "YYYY-MM-DD[ HH:MM[:SS]]" (local time), "now", "today", "yesterday",
/// "-1h" / "+30min" / "-2d" (relative to @p now), "@EPOCH" or EPOCH.
/// Throws: base::UsageError.
std::int64_t parseTimeSpec(std::string_view text, std::time_t now);

/// The --help text.
std::string usageText();

} // namespace tlog::play
