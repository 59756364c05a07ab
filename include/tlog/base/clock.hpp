// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>

namespace tlog::base {

/// Monotonic time point in nanoseconds; the codec only sees differences.
using Timestamp = std::chrono::nanoseconds;

/// CLOCK_MONOTONIC now.
Timestamp monotonicNow() noexcept;

/// CLOCK_REALTIME now, since the epoch.
Timestamp realtimeNow() noexcept;

/// Where a component that decides by time takes the time from: the
/// system's clocks (systemClock()) in the programs, a virtual time that a
/// test moves in its tests. An event loop asks its clock how long to wait
/// for a deadline, so on a virtual clock it jumps to the deadline instead
/// of sleeping.
class Clock {
public:
	virtual ~Clock() = default;

	/// Monotonic time now.
	virtual Timestamp monotonic() const noexcept = 0;
	/// Wall-clock time now, since the epoch.
	virtual Timestamp realtime() const noexcept = 0;
	/// How long a loop with nothing to do blocks to reach @p deadline
	/// (monotonic): the time left, zero once it passed. A virtual clock
	/// says zero: it moves in waited() instead.
	virtual Timestamp waitFor(Timestamp deadline) const noexcept
	{
		auto left = deadline - monotonic();
		return left > Timestamp::zero() ? left : Timestamp::zero();
	}
	/// A loop waited for @p deadline and nothing else happened: a virtual
	/// clock moves there; real time got there by itself.
	virtual void waited(Timestamp deadline) noexcept { (void)deadline; }
	/// Blocks until @p deadline (monotonic) outside any loop (a writer
	/// waiting out a rate limit): sleeps waitFor(), then waited(). A
	/// virtual clock just moves there.
	void sleepUntil(Timestamp deadline) noexcept;
};

/// CLOCK_MONOTONIC and CLOCK_REALTIME.
class SystemClock final : public Clock {
public:
	Timestamp monotonic() const noexcept override { return monotonicNow(); }
	Timestamp realtime() const noexcept override { return realtimeNow(); }
};

/// The one SystemClock (stateless; shared by every loop that is given
/// no other clock).
Clock &systemClock() noexcept;

} // namespace tlog::base
