// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <algorithm>
#include <optional>

#include "tlog/base/clock.hpp"
#include "tlog/play/playback_clock.hpp"

namespace tlog::play {

/// When each packet of a playback is due: at its time on the
/// PlaybackClock (the recording's pace, its speed, paused), or at once
/// while fast-forwarding (to a time, or to the end: even paused) and for
/// single steps ('.', output packet by output packet). Pure: the caller
/// gives the monotonic time.
class Pacer {
public:
	/// The most single steps waiting for a packet.
	static constexpr int kMaxSteps = 16;

	Pacer(double speed, bool paused) noexcept : clock_(speed, paused) {}

	PlaybackClock &clock() noexcept { return clock_; }
	const PlaybackClock &clock() const noexcept { return clock_; }

	/// Whether a packet at @p ts is written at once.
	bool fastForwards(base::Timestamp ts) const noexcept
	{
		return toEnd_ || (until_ && ts <= *until_);
	}
	/// When a packet at @p ts is due (monotonic): a time long passed when
	/// fast-forwarding or stepping, nullopt while paused.
	std::optional<base::Timestamp> dueAt(base::Timestamp ts) const noexcept
	{
		if (toEnd_ || steps_ > 0 || (until_ && ts <= *until_))
			return base::Timestamp::zero();
		return clock_.dueAt(ts);
	}

	/// Fast-forwarding to the end of what there is.
	bool toEnd() const noexcept { return toEnd_; }
	void forwardToEnd() noexcept { toEnd_ = true; }
	void stopForwardToEnd() noexcept { toEnd_ = false; }
	/// Packets up to this time are written at once.
	std::optional<base::Timestamp> until() const noexcept { return until_; }
	void forwardUntil(base::Timestamp ts) noexcept { until_ = ts; }

	/// One more single step ('.'), up to kMaxSteps.
	void step() noexcept { steps_ = std::min(steps_ + 1, kMaxSteps); }
	bool stepping() const noexcept { return steps_ > 0; }
	void stepTaken() noexcept { steps_--; }
	void clearSteps() noexcept { steps_ = 0; }

private:
	PlaybackClock clock_;
	std::optional<base::Timestamp> until_;
	bool toEnd_ = false;
	int steps_ = 0;
};

} // namespace tlog::play
