// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>

#include "tlog/term/event_loop.hpp"
#include "tlog/term/signal_set.hpp"

namespace tlog::play {

/// The signals that end a playback, for the object's life: SIGINT,
/// SIGTERM and SIGHUP read in the loop (the first one stops it), or with
/// persist SIGTERM and SIGHUP only, the keyboard's (SIGINT, SIGQUIT,
/// SIGTSTP) ignored. Everything is put back at the end.
class PlaybackSignals {
public:
	/// Throws: std::system_error.
	PlaybackSignals(term::EventLoop &loop, bool persist);
	PlaybackSignals(const PlaybackSignals &) = delete;
	PlaybackSignals &operator=(const PlaybackSignals &) = delete;

	/// The signal that stopped the loop, or 0.
	int caught() const noexcept { return caught_; }

private:
	std::optional<term::IgnoredSignals> ignored_;
	term::SignalSet signals_;
	term::FdWatch watch_;
	int caught_ = 0;
};

} // namespace tlog::play
