// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "tlog/base/clock.hpp"

namespace tlog::term {

/// Single-threaded poll(2) loop. Handlers are registered per fd; timers
/// are functions that report their next deadline (monotonic), folded into
/// the poll timeout, so each component says when it next needs to run.
class EventLoop
{
public:
	/// Called with the poll revents of its fd.
	using FdHandler = std::function<void(short revents)>;
	/// Reports the next deadline, or nullopt when the timer is idle.
	using DeadlineFn = std::function<std::optional<base::Timestamp>()>;

	/// Watches @p fd for @p events (POLLIN, POLLOUT), replacing any earlier
	/// registration of the same fd. Events 0 keeps the fd but ignores it.
	void watch(int fd, short events, FdHandler handler);
	/// Changes the events watched on @p fd; 0 pauses the watch (not even
	/// a hang-up or an error is reported until events are set again).
	void setEvents(int fd, short events) noexcept;
	/// Stops watching @p fd (safe inside a handler).
	void unwatch(int fd) noexcept;

	/// Adds a timer: @p fire runs once the deadline reported by @p next
	/// has passed; @p next is asked again on every iteration.
	void addTimer(DeadlineFn next, std::function<void()> fire);

	/// Waits once (until an fd is ready or the earliest deadline) and runs
	/// what is due; a stop() from a handler skips the rest of this round.
	/// Clears an earlier stop(). Throws: whatever a handler throws;
	/// std::system_error.
	void runOnce();
	/// Runs until stop().
	void run();
	void stop() noexcept { stopped_ = true; }
	bool stopped() const noexcept { return stopped_; }

private:
	struct Watch {
		int fd;
		short events;
		FdHandler handler;
	};
	struct Timer {
		DeadlineFn next;
		std::function<void()> fire;
	};
	std::vector<Watch> watches_;
	std::vector<Timer> timers_;
	bool stopped_ = false;
};

} // namespace tlog::term
