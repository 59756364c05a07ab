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

Clock &systemClock() noexcept
{
	static SystemClock clock;
	return clock;
}

} // namespace tlog::base
