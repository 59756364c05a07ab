// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>
#include <termios.h>

#include "tlog/base/unique_fd.hpp"
#include "tlog/term/window.hpp"

namespace tlog::term {

/// A program started by spawnOnPty() or spawnOnPipes(). The fds are the
/// parent's ends: write the program's input to `input`, read its output
/// from `output` (and its stderr from `error` when on pipes).
struct Child {
	pid_t pid = -1;
	base::UniqueFd input;  ///< on a pty: the master, same as output
	base::UniqueFd output; ///< on a pty: a dup of the master
	base::UniqueFd error;  ///< pipes only; invalid on a pty
};

/// Runs @p argv (argv[0] searched in PATH) on a new pty with @p attrs and
/// @p size, as the session leader with the pty as its controlling terminal.
/// The child starts with default signal dispositions and an empty mask.
/// @p exec0 replaces the argv[0] string seen by the program (login dash).
/// Throws: std::system_error; a failed exec makes the child exit 127
/// after printing why.
Child spawnOnPty(const std::vector<std::string> &argv, const termios *attrs,
		 std::optional<WindowSize> size, const std::string &exec0 = {});

/// Runs @p argv with stdin, stdout and stderr on pipes.
/// Throws: std::system_error.
Child spawnOnPipes(const std::vector<std::string> &argv, const std::string &exec0 = {});

/// The device number of the terminal whose master is @p master (a pty's
/// slave), or nullopt when it is not a pty master.
std::optional<dev_t> ptySlaveDevice(int master) noexcept;

/// Exit status as a shell reports it: the code, or 128+N for signal N.
int shellStatus(int waitStatus) noexcept;

} // namespace tlog::term
