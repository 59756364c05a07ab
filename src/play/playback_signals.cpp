// SPDX-License-Identifier: GPL-2.0-or-later
#include "playback_signals.hpp"

#include <poll.h>
#include <signal.h>

namespace tlog::play {

namespace {

std::optional<term::IgnoredSignals> keyboardIgnored(bool persist)
{
	if (!persist)
		return std::nullopt;
	return std::optional<term::IgnoredSignals>(
	    std::in_place, std::initializer_list<int>{SIGINT, SIGQUIT, SIGTSTP});
}

} // namespace

PlaybackSignals::PlaybackSignals(term::EventLoop &loop, bool persist)
    : ignored_(keyboardIgnored(persist)),
      signals_(persist ? std::initializer_list<int>{SIGTERM, SIGHUP}
		       : std::initializer_list<int>{SIGINT, SIGTERM, SIGHUP}),
      watch_(loop, signals_.fd(), POLLIN, [this, &loop](short) {
	      if (auto sig = signals_.read()) {
		      caught_ = *sig;
		      loop.stop();
	      }
      })
{
}

} // namespace tlog::play
