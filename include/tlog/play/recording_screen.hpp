// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/screen/screen_search.hpp"
#include "tlog/screen/virtual_screen.hpp"

namespace tlog::play {

/// The screen a recording's packets leave: a screen::VirtualScreen of the
/// recorded size (80x24 until the recording gives one), in newline mode
/// for a recording made on a pipe (output before any window size), with
/// an optional screen::ScreenSearch that reports where its pattern newly
/// shows. Pure: no I/O.
class RecordingScreen {
public:
	/// The screen's size until the recording gives its own.
	static constexpr unsigned kDefaultCols = 80, kDefaultRows = 24;

	/// Keeps up to @p scrollbackLines lines that scroll off (0: none);
	/// searches for @p pattern (empty: no search).
	/// Throws: std::bad_alloc.
	explicit RecordingScreen(std::size_t scrollbackLines = 0, std::string pattern = {});

	/// Puts recorded output on the screen; returns the texts of the rows
	/// that newly show the search pattern, top to bottom.
	/// Throws: std::bad_alloc.
	std::vector<std::string> output(std::string_view data);
	/// A recorded window size.
	/// Throws: std::bad_alloc.
	void window(unsigned cols, unsigned rows);
	/// Shows @p paint (a snapshot's) on a screen of @p cols x @p rows,
	/// nothing of it new to the search.
	/// Throws: std::bad_alloc.
	void restore(unsigned cols, unsigned rows, std::string_view paint);

	/// The pattern searched for, or nullptr.
	const std::string *pattern() const noexcept
	{
		return search_ ? &search_->pattern() : nullptr;
	}
	/// Searches for @p pattern from now on (what shows now is not new).
	/// Throws: std::bad_alloc.
	void search(std::string pattern);

	screen::VirtualScreen &screen() noexcept { return screen_; }
	const screen::VirtualScreen &screen() const noexcept { return screen_; }

private:
	screen::VirtualScreen screen_;
	std::optional<screen::ScreenSearch> search_;
	bool sawOutput_ = false, sawWindow_ = false; // to tell a pipe recording
};

} // namespace tlog::play
