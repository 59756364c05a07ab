// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "tlog/base/clock.hpp"

namespace tlog::term {

class FdWatch;
class Timer;

/// Single-threaded poll(2) loop over FdWatch and Timer objects. Each is
/// owned by what it serves and is in the loop from its construction to
/// its destruction, so no handler outlives what it captures. Timers fold
/// their deadlines into the poll timeout: each component says when it
/// next needs to run.
///
/// Time comes from the Clock the loop is given (every component the loop
/// serves reads it through clock()); on a virtual clock, a wait with
/// nothing ready jumps to the earliest deadline instead of sleeping.
/// The loop must outlive the watches and timers in it.
class EventLoop {
public:
	/// @p clock is borrowed for the loop's life.
	explicit EventLoop(base::Clock &clock = base::systemClock()) noexcept : clock_(clock) {}
	EventLoop(const EventLoop &) = delete;
	EventLoop &operator=(const EventLoop &) = delete;

	/// The clock the loop waits by.
	base::Clock &clock() const noexcept { return clock_; }

	/// Waits once (until a watched fd is ready or the earliest deadline)
	/// and runs what is due: ready watches in the order they joined the
	/// loop, then due timers likewise; a stop() from a handler skips the
	/// rest of this round. Clears an earlier stop().
	/// Throws: whatever a handler throws; std::system_error.
	void runOnce();
	/// Runs until stop().
	void run();
	void stop() noexcept { stopped_ = true; }
	bool stopped() const noexcept { return stopped_; }

private:
	friend class FdWatch;
	friend class Timer;
	void add(FdWatch &watch);
	void remove(FdWatch &watch) noexcept;
	void add(Timer &timer);
	void remove(Timer &timer) noexcept;

	base::Clock &clock_;
	// Registration order; an entry removed during a round is nulled and
	// erased at the start of the next one.
	std::vector<FdWatch *> watches_;
	std::vector<Timer *> timers_;
	bool stopped_ = false;
};

/// Watches one fd (borrowed: it must stay open while watched) in an
/// EventLoop for as long as the object lives; the handler gets the poll
/// revents. Neither copyable nor movable: the loop holds its address.
class FdWatch {
public:
	using Handler = std::function<void(short revents)>;

	/// In @p loop, watching nothing until watch().
	/// Throws: std::bad_alloc.
	FdWatch(EventLoop &loop, Handler onReady);
	/// In @p loop, watching @p fd for @p events.
	/// Throws: std::bad_alloc.
	FdWatch(EventLoop &loop, int fd, short events, Handler onReady);
	~FdWatch();
	FdWatch(const FdWatch &) = delete;
	FdWatch &operator=(const FdWatch &) = delete;

	/// Watches @p fd for @p events (POLLIN, POLLOUT) instead of any
	/// earlier fd. Events 0 keep the fd but ignore it (setEvents()).
	void watch(int fd, short events) noexcept
	{
		fd_ = fd;
		events_ = events;
	}
	/// Changes the events watched; 0 pauses the watch (not even a
	/// hang-up or an error is reported until events are set again).
	void setEvents(short events) noexcept { events_ = events; }
	/// Stops watching (safe inside the handler).
	void unwatch() noexcept { fd_ = -1; }

	int fd() const noexcept { return fd_; }
	short events() const noexcept { return events_; }

private:
	friend class EventLoop;
	EventLoop &loop_;
	int fd_ = -1;
	short events_ = 0;
	Handler onReady_;
};

/// A deadline in an EventLoop for as long as the object lives: the
/// handler runs once the loop's clock reaches it. Either scheduled
/// (schedule(), one-shot: cleared as it fires) or reported by a function
/// asked on every round (the component's next deadline, which the
/// handler must move on). Neither copyable nor movable.
class Timer {
public:
	/// Reports the next deadline (monotonic), or nullopt while idle.
	using DeadlineFn = std::function<std::optional<base::Timestamp>()>;
	using Handler = std::function<void()>;

	/// In @p loop, due at the times schedule() sets.
	/// Throws: std::bad_alloc.
	Timer(EventLoop &loop, Handler onDue);
	/// In @p loop, due whenever @p deadline says.
	/// Throws: std::bad_alloc.
	Timer(EventLoop &loop, DeadlineFn deadline, Handler onDue);
	~Timer();
	Timer(const Timer &) = delete;
	Timer &operator=(const Timer &) = delete;

	/// Due once at @p at (monotonic, on the loop's clock), instead of an
	/// earlier time (for a timer made without a DeadlineFn).
	void schedule(base::Timestamp at) noexcept { scheduled_ = at; }
	void cancel() noexcept { scheduled_.reset(); }
	bool scheduled() const noexcept { return scheduled_.has_value(); }

	/// When the timer is next due; nullopt: idle.
	/// Throws: what the DeadlineFn throws.
	std::optional<base::Timestamp> deadline() const
	{
		return deadline_ ? deadline_() : scheduled_;
	}

private:
	friend class EventLoop;
	EventLoop &loop_;
	DeadlineFn deadline_;
	Handler onDue_;
	std::optional<base::Timestamp> scheduled_;
};

} // namespace tlog::term
