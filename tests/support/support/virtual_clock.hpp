// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <algorithm>
#include <chrono>

#include "tlog/base/clock.hpp"

namespace tlog::test {

/// Virtual time for what runs in a term::EventLoop: it stands still while
/// anything is ready, and a wait with nothing ready jumps to the earliest
/// deadline instead of sleeping. So a test asserts times exactly, and a
/// loaded machine changes none of them. Wall-clock time moves with it,
/// from the real time at construction.
class VirtualClock final : public base::Clock {
public:
	/// Monotonic time starts at @p start (not zero, which the player uses
	/// for "due at once").
	explicit VirtualClock(base::Timestamp start = std::chrono::seconds(1000)) noexcept
	    : start_(start), now_(start), realStart_(base::realtimeNow())
	{
	}

	base::Timestamp monotonic() const noexcept override { return now_; }
	base::Timestamp realtime() const noexcept override { return realStart_ + (now_ - start_); }
	base::Timestamp waitFor(base::Timestamp) const noexcept override { return {}; }
	void waited(base::Timestamp deadline) noexcept override { now_ = std::max(now_, deadline); }

	/// Moves time on by @p by.
	void advance(base::Timestamp by) noexcept { now_ += by; }
	/// Virtual time since construction.
	base::Timestamp elapsed() const noexcept { return now_ - start_; }

private:
	base::Timestamp start_;
	base::Timestamp now_;
	base::Timestamp realStart_;
};

} // namespace tlog::test
