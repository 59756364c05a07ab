// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/clock.hpp"

#include <time.h>

namespace tlog::base {

namespace {

Timestamp read(clockid_t id) noexcept
{
	timespec ts{};
	::clock_gettime(id, &ts);
	return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

} // namespace

Timestamp monotonicNow() noexcept
{
	return read(CLOCK_MONOTONIC);
}

Timestamp realtimeNow() noexcept
{
	return read(CLOCK_REALTIME);
}

void Clock::sleepUntil(Timestamp deadline) noexcept
{
	for (auto left = waitFor(deadline); left > Timestamp::zero(); left = waitFor(deadline)) {
		auto whole = std::chrono::duration_cast<std::chrono::seconds>(left);
		timespec ts{static_cast<time_t>(whole.count()),
			    static_cast<long>(std::chrono::nanoseconds(left - whole).count())};
		::nanosleep(&ts, nullptr); // a signal may end it early: asked again
	}
	waited(deadline);
}

Clock &systemClock() noexcept
{
	static SystemClock clock;
	return clock;
}

} // namespace tlog::base
