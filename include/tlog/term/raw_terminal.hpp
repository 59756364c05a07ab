// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <termios.h>

#include "tlog/term/termios_guard.hpp"

namespace tlog::term {

/// A terminal in raw mode for the object's life, as the recorder and the
/// player use the user's: its attributes saved and switched to raw (a
/// TermiosGuard), and base::logLine() told to end lines in "\r\n" while
/// stderr is a terminal, so diagnostics do not staircase. The destructor
/// puts both back, on every exit path, exceptions included.
class RawTerminal {
public:
	/// Throws: std::system_error when @p fd is not a terminal.
	explicit RawTerminal(int fd);
	~RawTerminal();
	RawTerminal(const RawTerminal &) = delete;
	RawTerminal &operator=(const RawTerminal &) = delete;

	/// The attributes saved before raw mode (a pty copies them).
	const termios &saved() const noexcept { return guard_.saved(); }

private:
	TermiosGuard guard_;
	bool logRaw_;
};

} // namespace tlog::term
