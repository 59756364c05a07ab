// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tlog::screen {

class VirtualScreen;

/// Finds where a text appears on a VirtualScreen as output goes by: a
/// match is a row that shows the pattern which no row showed before.
/// Text that only moves (scrolls) or stays is not a new match, nor is a
/// matching line edited at its end (typed on), nor what the normal screen
/// shows again when a full-screen program leaves the alternate one; the
/// same line printed again is. Plain, case-sensitive substring matching on the
/// text as the screen shows it (escape sequences interpreted).
///
/// Pure: no I/O.
class ScreenSearch {
public:
	explicit ScreenSearch(std::string pattern) : pattern_(std::move(pattern)) {}

	const std::string &pattern() const noexcept { return pattern_; }

	/// Looks at the rows that changed on @p screen since the last call
	/// (takes them from the screen) and returns the texts of the rows that
	/// newly show the pattern, top to bottom.
	std::vector<std::string> update(VirtualScreen &screen);

	/// Forgets what the screen showed (after it was cleared or replaced).
	void reset() noexcept
	{
		rows_[0].clear();
		rows_[1].clear();
	}

private:
	std::string pattern_;
	// Per row of the normal [0] and alternate [1] screen: its text if it
	// matches, else "".
	std::vector<std::string> rows_[2];
};

} // namespace tlog::screen
