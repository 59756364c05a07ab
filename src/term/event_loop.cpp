// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>

#include <poll.h>

#include "tlog/base/error.hpp"

namespace tlog::term {

void EventLoop::watch(int fd, short events, FdHandler handler)
{
	for (auto &w : watches_)
		if (w.fd == fd) {
			w.events = events;
			w.handler = std::move(handler);
			return;
		}
	watches_.push_back(Watch{fd, events, std::move(handler)});
}

void EventLoop::setEvents(int fd, short events) noexcept
{
	for (auto &w : watches_)
		if (w.fd == fd)
			w.events = events;
}

void EventLoop::unwatch(int fd) noexcept
{
	// Marked, not erased: the loop may be iterating over watches_.
	for (auto &w : watches_)
		if (w.fd == fd)
			w.fd = -1;
}

void EventLoop::addTimer(DeadlineFn next, std::function<void()> fire)
{
	timers_.push_back(Timer{std::move(next), std::move(fire)});
}

void EventLoop::runOnce()
{
	// A stop() ends the iteration it happens in (and run()); it must not
	// turn every later runOnce() into a wait that runs nothing.
	stopped_ = false;
	std::erase_if(watches_, [](const Watch &w) { return w.fd < 0; });

	std::optional<base::Timestamp> earliest;
	for (auto &t : timers_)
		if (auto d = t.next(); d && (!earliest || *d < *earliest))
			earliest = d;
	int timeout = -1;
	if (earliest) {
		auto left = *earliest - base::monotonicNow();
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
	for (auto &w : watches_)
		fds.push_back(pollfd{w.events != 0 ? w.fd : -1, w.events, 0});
	int n = ::poll(fds.data(), fds.size(), timeout);
	if (n < 0) {
		if (errno == EINTR)
			return;
		base::throwErrno("poll");
	}
	for (std::size_t i = 0; i < fds.size() && n > 0 && !stopped_; i++) {
		if (fds[i].revents == 0)
			continue;
		n--;
		// Handlers may add watches: index by position, copy the handler.
		if (i < watches_.size() && watches_[i].fd == fds[i].fd) {
			auto handler = watches_[i].handler;
			handler(fds[i].revents);
		}
	}
	if (stopped_)
		return;
	auto now = base::monotonicNow();
	for (std::size_t i = 0; i < timers_.size() && !stopped_; i++)
		if (auto d = timers_[i].next(); d && *d <= now)
			timers_[i].fire();
}

void EventLoop::run()
{
	stopped_ = false;
	while (!stopped_)
		runOnce();
}

} // namespace tlog::term
