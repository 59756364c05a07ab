// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string_view>

namespace tlog::base {

/// Sets the name that prefixes every diagnostic ("tlog-rec: ...").
void setProgramName(std::string_view name) noexcept;

/// The name set by setProgramName(), "tlog" before that.
std::string_view programName() noexcept;

/// Writes "PROGRAM: MESSAGE\n" to stderr in one write(2). When a raw
/// terminal is active the line ends in "\r\n" so it does not staircase.
void logLine(std::string_view message) noexcept;

/// Tells logLine() whether stderr is a terminal in raw mode.
void setRawTerminal(bool raw) noexcept;

/// Shows "PROGRAM: MESSAGE" as a progress line when stderr is a terminal
/// (nothing otherwise): rewritten in place, no newline. logLine() clears
/// it, writes its line and shows it again under it. An empty @p message
/// takes it away.
void showProgress(std::string_view message) noexcept;

/// showProgress() for a scope: the line is taken away when the object
/// goes, by an exception too (an error then does not come out above a
/// stale progress line).
class ProgressLine
{
public:
	ProgressLine() = default;
	ProgressLine(const ProgressLine &) = delete;
	ProgressLine &operator=(const ProgressLine &) = delete;
	~ProgressLine() { clear(); }
	void show(std::string_view message) noexcept
	{
		showProgress(message);
		shown_ = true;
	}
	void clear() noexcept
	{
		if (shown_)
			showProgress("");
		shown_ = false;
	}

private:
	bool shown_ = false;
};

} // namespace tlog::base
