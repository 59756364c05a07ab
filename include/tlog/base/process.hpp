// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace tlog::base {

/// What /proc/PID/stat says of a process, as far as we use it. These
/// fields are readable for any process, set-id and non-dumpable ones too,
/// and none of them can be set by the process itself but its name.
struct ProcessStat {
	pid_t pid = 0;
	std::string comm;	     ///< the name, cut to 15 bytes by the kernel
	pid_t ppid = 0;		     ///< the parent
	std::uint64_t startTime = 0; ///< clock ticks after boot: with the pid, unique per boot
};

/// /proc/PID/stat of @p pid (of this process for 0); nullopt when there
/// is no such process (gone, or never was) or the file cannot be read.
/// Never throws.
std::optional<ProcessStat> processStat(pid_t pid) noexcept;

/// This boot's id, 32 hex digits without dashes ("" when unknown).
std::string bootId() noexcept;

/// The parts of a recording id as tlog-rec makes it: BOOT-PID-START, the
/// boot id without dashes, the recorder's pid and start time in hex.
struct RecordingIdParts {
	std::string boot;
	pid_t pid = 0;
	std::uint64_t startTime = 0;
};

/// @p rec split into its parts; nullopt when it is not of that form (a
/// recording id made by some other tool). Never throws.
std::optional<RecordingIdParts> parseRecordingId(std::string_view rec) noexcept;

} // namespace tlog::base
