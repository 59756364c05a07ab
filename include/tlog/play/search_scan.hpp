// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>

#include "tlog/base/clock.hpp"

namespace tlog::play {

/// Where 'n' and 'N' are taking playback. A scan forward plays on unseen
/// from where it started (its origin) and ends at the first new match
/// after it; a scan back replays from the start up to its origin,
/// remembering the last match before it, and then goes there. Pure: the
/// player moves playback as it says.
class SearchScan {
public:
	/// A search from @p origin (where playback is): a scan under way
	/// counts from there too.
	void from(base::Timestamp origin) noexcept
	{
		origin_ = origin;
		found_.reset();
	}
	void forward() noexcept { direction_ = Direction::Forward; }
	void back() noexcept { direction_ = Direction::Back; }

	/// A new match at @p ts during a scan: true when it ends a scan
	/// forward (playback goes to @p ts); a scan back remembers it.
	bool onMatch(base::Timestamp ts) noexcept;

	/// What playback does once a scan's unseen replay lands.
	struct Landing {
		std::optional<base::Timestamp> seekTo; ///< go on to here, unseen
		std::string message;		       ///< to say, or ""
	};
	/// The replay landed: a scan back goes to the match it found (or
	/// says there was none), a scan forward that met the end says so and
	/// goes back to its origin; no scan: nothing. The scan is over.
	/// Throws: std::bad_alloc.
	Landing land(const std::string &pattern);

private:
	enum class Direction { None, Forward, Back };

	Direction direction_ = Direction::None;
	base::Timestamp origin_{};
	std::optional<base::Timestamp> found_; // the last match before the origin (back)
};

} // namespace tlog::play
