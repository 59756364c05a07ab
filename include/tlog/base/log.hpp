// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string_view>

#include "tlog/base/clock.hpp"

namespace tlog::base {

/// Sets the name that prefixes every diagnostic ("tlog-rec: ...").
void setProgramName(std::string_view name) noexcept;

/// The name set by setProgramName(), "tlog" before that.
std::string_view programName() noexcept;

/// Writes "PROGRAM: MESSAGE\n" to stderr in one write(2). When a raw
/// terminal is active the line ends in "\r\n" so it does not staircase.
void logLine(std::string_view message) noexcept;

/// After a usage error: "PROGRAM: try 'PROGRAM --help' for more
/// information".
void logUsageHint() noexcept;

/// Tells logLine() whether stderr is a terminal in raw mode.
void setRawTerminal(bool raw) noexcept;

/// Shows "PROGRAM: MESSAGE" as a progress line when stderr is a terminal
/// (nothing otherwise): rewritten in place, no newline. logLine() clears
/// it, writes its line and shows it again under it. An empty @p message
/// takes it away.
void showProgress(std::string_view message) noexcept;

/// showProgress() for a scope: the line is taken away when the object
/// goes, by an exception too (an error then does not come out above a
/// stale progress line). It also paces the lines: work that ends quickly
/// shows none, long work a line every kEvery.
class ProgressLine {
public:
	static constexpr Timestamp kFirstAfter = std::chrono::seconds(1);
	static constexpr Timestamp kEvery = std::chrono::milliseconds(250);

	/// The first line is due kFirstAfter from now.
	ProgressLine() noexcept : next_(monotonicNow() + kFirstAfter) {}
	ProgressLine(const ProgressLine &) = delete;
	ProgressLine &operator=(const ProgressLine &) = delete;
	~ProgressLine() { clear(); }

	/// The first line is due at @p first (monotonic) instead.
	void dueFrom(Timestamp first) noexcept { next_ = first; }
	/// Whether a line is due at @p now (monotonic); if it is, the next
	/// one is due kEvery later.
	bool due(Timestamp now) noexcept
	{
		if (now < next_)
			return false;
		next_ = now + kEvery;
		return true;
	}
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
	Timestamp next_;
	bool shown_ = false;
};

} // namespace tlog::base
