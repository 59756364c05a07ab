// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tlog/base/clock.hpp"
#include "tlog/term/window.hpp"

namespace tlog::screen {
class VirtualScreen;
} // namespace tlog::screen

namespace tlog::play {

/// What the status line says.
struct StatusFacts {
	base::Timestamp position;	       ///< where playback is
	std::optional<base::Timestamp> length; ///< the recording's, when known
	double speed = 1.0;
	bool paused = false;
	std::size_t gaps = 0;		      ///< messages found missing (lax)
	const std::string *pattern = nullptr; ///< the search pattern, or none
};

/// The status line on the terminal's last row ('s' toggles it): where
/// playback is, speed, pause, gaps, the search pattern and the last keys
/// typed in the recording. It is drawn over the recording's last row and
/// keeps what puts that row back, so output (which may scroll) goes to
/// the terminal with the row restored first and the line drawn again
/// after. Pure: the caller writes what it returns.
class StatusLine {
public:
	/// How often the line is drawn again while nothing else happens.
	static constexpr base::Timestamp kRefresh = std::chrono::milliseconds(500);

	bool shown() const noexcept { return shown_; }
	/// Shown from now on; hide() gives what puts the row back.
	void show() noexcept { shown_ = true; }
	/// Hidden from now on: what puts the row under it back.
	std::string hide() noexcept
	{
		shown_ = false;
		return takeRestore();
	}
	/// What puts the row under the line back (and forgets it): the
	/// output goes after it, then draw() again.
	std::string takeRestore() noexcept
	{
		std::string restore;
		restore.swap(restore_);
		return restore;
	}

	/// The sequences that draw the line on the last row of a terminal of
	/// @p size over @p screen, in plain modes, leaving the screen's
	/// modes, cursor and pen as they were; empty when the size is not
	/// known. Remembers what puts that row back. @p now: monotonic.
	/// Throws: std::bad_alloc.
	std::string draw(std::optional<term::WindowSize> size, const screen::VirtualScreen &screen,
			 const StatusFacts &facts, base::Timestamp now);
	/// When the line is next drawn again (the clock moves while paused).
	std::optional<base::Timestamp> refreshAt() const noexcept
	{
		if (!shown_)
			return std::nullopt;
		return drawnAt_ + kRefresh;
	}

	/// Typed input in the recording, for the line's "keys:".
	/// Throws: std::bad_alloc.
	void noteKeys(std::string_view typed);

	/// The line's text.
	/// Throws: std::bad_alloc.
	std::string text(const StatusFacts &facts) const;

private:
	bool shown_ = false;
	std::string restore_;	    // the row under the line, cursor, pen
	base::Timestamp drawnAt_{}; // monotonic
	std::string lastKeys_;	    // the last typed input, printable
};

/// While a seek takes longer than a moment: "seeking: at H:MM:SS" on the
/// terminal's last row, every base::ProgressLine::kEvery, until it lands
/// (whose paint covers it). Pure: the caller writes what it returns.
class JumpNote {
public:
	/// Says after @p after of a seek.
	explicit JumpNote(base::Timestamp after) noexcept : after_(after) {}

	/// Called as playback goes on, @p seeking while a seek is under way:
	/// whether a note is due at @p now (monotonic).
	bool due(bool seeking, base::Timestamp now) noexcept;
	/// The note for a terminal of @p size, the seek @p reached so far;
	/// empty when the size is not known. The next is due
	/// base::ProgressLine::kEvery later.
	/// Throws: std::bad_alloc.
	std::string note(std::optional<term::WindowSize> size, const std::string &reached,
			 base::Timestamp now);
	/// The last row says "seeking".
	bool shown() const noexcept { return shown_; }

private:
	base::Timestamp after_;
	std::optional<base::Timestamp> since_; // a seek under way since (monotonic)
	base::Timestamp nextAt_{};	       // when the note is written next
	bool shown_ = false;
};

} // namespace tlog::play
