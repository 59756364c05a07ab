// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>

#include "tlog/base/clock.hpp"

namespace tlog::play {

/// Maps monotonic time to a position in a recording: the position moves
/// at speed() recording seconds per real second and stands still while
/// paused. Pure: every call is given the current monotonic time, so tests
/// drive it with made-up times.
class PlaybackClock {
public:
	explicit PlaybackClock(double speed = 1.0, bool paused = false) noexcept
	    : speed_(speed), paused_(paused)
	{
	}

	/// Sets the position to @p position at monotonic time @p now.
	void seek(base::Timestamp now, base::Timestamp position) noexcept;
	/// The recording position at monotonic time @p now.
	base::Timestamp position(base::Timestamp now) const noexcept;
	/// The monotonic time at which @p position is reached (now or earlier
	/// for a position already passed), or nullopt while paused.
	std::optional<base::Timestamp> dueAt(base::Timestamp position) const noexcept;

	double speed() const noexcept { return speed_; }
	/// Changes the speed from @p now on; @p speed must be positive.
	void setSpeed(base::Timestamp now, double speed) noexcept;

	bool paused() const noexcept { return paused_; }
	void setPaused(base::Timestamp now, bool paused) noexcept;

private:
	base::Timestamp anchorNow_{}; // a monotonic time ...
	base::Timestamp anchorPos_{}; // ... and the position it maps to
	double speed_;
	bool paused_;
};

} // namespace tlog::play
