// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/terminal_output.hpp"

#include <unistd.h>

#include "tlog/base/unique_fd.hpp"

namespace tlog::play {

TerminalOutput::TerminalOutput(int fd, bool rawOutput, int inputFd)
    : fd_(fd), inputFd_(inputFd), isTerminal_(::isatty(fd) == 1), filter_(rawOutput)
{
}

void TerminalOutput::recorded(std::string_view data)
{
	// Bound for the auditor's terminal: filtered (a file or pipe gets what
	// was recorded).
	if (isTerminal_)
		filter_.feed(data, pending_);
	else
		pending_ += data;
}

void TerminalOutput::typed(std::string_view data)
{
	if (inputFd_ >= 0)
		pendingInput_ += data;
}

void TerminalOutput::paint(std::string_view paint, bool jumped)
{
	if (jumped)
		filter_.cut();
	filter_.note(paint);
	pending_ += paint;
}

void TerminalOutput::flush(std::string_view before, std::string_view after)
{
	if (before.empty() && after.empty()) {
		base::writeAll(fd_, pending_);
	} else {
		framed_.assign(before);
		framed_ += pending_;
		framed_ += after;
		base::writeAll(fd_, framed_);
		framed_.clear();
	}
	pending_.clear();
}

void TerminalOutput::write(std::string_view data)
{
	base::writeAll(fd_, data);
}

void TerminalOutput::writeTyped()
{
	if (pendingInput_.empty())
		return;
	base::writeAll(inputFd_, pendingInput_);
	pendingInput_.clear();
}

std::string TerminalOutput::restoreModes() const
{
	if (!isTerminal_)
		return {};
	return filter_.restore();
}

} // namespace tlog::play
