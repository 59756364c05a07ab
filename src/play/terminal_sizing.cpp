// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/terminal_sizing.hpp"

namespace tlog::play {

namespace {

std::string sizeText(term::WindowSize size)
{
	return std::to_string(size.cols) + "x" + std::to_string(size.rows);
}

std::string askFor(term::WindowSize size)
{
	return "\x1b[8;" + std::to_string(size.rows) + ";" + std::to_string(size.cols) + "t";
}

} // namespace

TerminalSizing::Action TerminalSizing::onRecorded(term::WindowSize recorded,
						  term::WindowSize terminal, bool shown)
{
	// Asked for even during a seek: the terminal has the size on landing.
	if (resize_) {
		// One more row for the status line, under the recording.
		term::WindowSize want{recorded.cols, static_cast<unsigned short>(
							 recorded.rows + (statusRow_ ? 1 : 0))};
		if (want == terminal)
			return {};
		if (!own_)
			own_ = terminal;
		return Action{askFor(want), {}};
	}
	if (!shown)
		return {};
	if (recorded == terminal) {
		reported_.reset();
		return {};
	}
	if (reported_ == recorded)
		return {};
	reported_ = recorded;
	// Smaller is what garbles the picture: say what would help.
	bool smaller = terminal.cols < recorded.cols || terminal.rows < recorded.rows;
	return Action{{},
		      "recorded at " + sizeText(recorded) + ", this terminal is " +
			  sizeText(terminal) +
			  (smaller ? " (--resize asks the terminal for the recorded size)" : "")};
}

std::string TerminalSizing::restore() const
{
	return own_ ? askFor(*own_) : std::string();
}

} // namespace tlog::play
