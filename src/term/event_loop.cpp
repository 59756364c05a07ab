// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>

#include <poll.h>

#include "tlog/base/error.hpp"

namespace tlog::term {

FdWatch::FdWatch(EventLoop &loop, Handler onReady) : loop_(loop), onReady_(std::move(onReady))
{
	loop_.add(*this);
}

FdWatch::FdWatch(EventLoop &loop, int fd, short events, Handler onReady)
    : FdWatch(loop, std::move(onReady))
{
	watch(fd, events);
}

FdWatch::~FdWatch()
{
	loop_.remove(*this);
}

Timer::Timer(EventLoop &loop, Handler onDue) : loop_(loop), onDue_(std::move(onDue))
{
	loop_.add(*this);
}

Timer::Timer(EventLoop &loop, DeadlineFn deadline, Handler onDue)
    : loop_(loop), deadline_(std::move(deadline)), onDue_(std::move(onDue))
{
	loop_.add(*this);
}

Timer::~Timer()
{
	loop_.remove(*this);
}

void EventLoop::add(FdWatch &watch)
{
	watches_.push_back(&watch);
}

void EventLoop::remove(FdWatch &watch) noexcept
{
	// Nulled, not erased: the loop may be going through watches_.
	std::replace(watches_.begin(), watches_.end(), &watch, static_cast<FdWatch *>(nullptr));
}

void EventLoop::add(Timer &timer)
{
	timers_.push_back(&timer);
}

void EventLoop::remove(Timer &timer) noexcept
{
	std::replace(timers_.begin(), timers_.end(), &timer, static_cast<Timer *>(nullptr));
}

void EventLoop::runOnce()
{
	// A stop() ends the iteration it happens in (and run()); it must not
	// turn every later runOnce() into a wait that runs nothing.
	stopped_ = false;
	std::erase(watches_, nullptr);
	std::erase(timers_, nullptr);

	std::optional<base::Timestamp> earliest;
	for (auto *t : timers_)
		if (auto d = t->deadline(); d && (!earliest || *d < *earliest))
			earliest = d;
	int timeout = -1;
	if (earliest) {
		auto left = clock_.waitFor(*earliest);
		// Round up so the timer is due when poll returns.
		auto ms = (left.count() + 999999) / 1000000;
		timeout = static_cast<int>(std::clamp<long long>(ms, 0, INT_MAX));
	}

	std::vector<pollfd> fds;
	fds.reserve(watches_.size());
	// A watch with no events is paused: poll(2) reports a hang-up or an
	// error whatever the events, so it is given no fd at all (a pipe
	// whose writer closed would otherwise wake every poll, and a relay
	// held back for back-pressure would be read over its pending bytes).
	for (auto *w : watches_)
		fds.push_back(pollfd{w->events_ != 0 ? w->fd_ : -1, w->events_, 0});
	int n = ::poll(fds.data(), fds.size(), timeout);
	if (n < 0) {
		if (errno == EINTR)
			return;
		base::throwErrno("poll");
	}
	if (n == 0 && earliest)
		clock_.waited(*earliest);
	for (std::size_t i = 0; i < fds.size() && n > 0 && !stopped_; i++) {
		if (fds[i].revents == 0)
			continue;
		n--;
		// A handler may end, add or change watches: skip one that went
		// or now watches another fd. The handler is copied: it may
		// destroy its own watch.
		FdWatch *w = watches_[i];
		if (w != nullptr && w->fd_ == fds[i].fd) {
			auto handler = w->onReady_;
			handler(fds[i].revents);
		}
	}
	if (stopped_)
		return;
	auto now = clock_.monotonic();
	// By index: a handler may add timers (asked in this round too).
	for (std::size_t i = 0; i < timers_.size() && !stopped_; i++) {
		Timer *t = timers_[i];
		if (t == nullptr)
			continue;
		auto d = t->deadline();
		if (!d || *d > now)
			continue;
		t->scheduled_.reset();
		auto handler = t->onDue_;
		handler();
	}
}

void EventLoop::run()
{
	stopped_ = false;
	while (!stopped_)
		runOnce();
}

} // namespace tlog::term
