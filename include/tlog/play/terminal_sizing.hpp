// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>

#include "tlog/term/window.hpp"

namespace tlog::play {

/// The recorded window size against the auditor's terminal: with
/// --resize the terminal is asked (xterm's CSI 8 t) for the recorded size
/// (one more row for a status line) and for its own back at the end;
/// without, a difference is said once per change. Pure.
class TerminalSizing {
public:
	TerminalSizing(bool resize, bool statusRow) noexcept
	    : resize_(resize), statusRow_(statusRow)
	{
	}

	/// What a recorded size means on a terminal of size @p terminal.
	struct Action {
		std::string request; ///< the sequence asking for a size, or ""
		std::string report;  ///< the line to say, or ""
	};
	/// The recording is at @p recorded (not 0x0); @p shown: played on the
	/// terminal, not during a seek (which asks for a size but says
	/// nothing).
	/// Throws: std::bad_alloc.
	Action onRecorded(term::WindowSize recorded, term::WindowSize terminal, bool shown);
	/// The sequence asking for the terminal's own size back; "" when none
	/// was asked for.
	/// Throws: std::bad_alloc.
	std::string restore() const;

private:
	bool resize_;
	bool statusRow_;
	std::optional<term::WindowSize> reported_; // the recorded size said last
	std::optional<term::WindowSize> own_;	   // the terminal's, before asking
};

} // namespace tlog::play
