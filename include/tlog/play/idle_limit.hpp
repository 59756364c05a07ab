// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "tlog/base/clock.hpp"

namespace tlog::play {

/// Shortens the pauses of a recording (--idle-limit): maps recording
/// times, given in order, to times where no pause between two of them
/// exceeds the limit. The first time given is kept as it is. Pure, so the
/// player and the exporter compute the same times.
class IdleLimit {
public:
	/// @p limit zero (or less) keeps every pause.
	explicit IdleLimit(base::Timestamp limit = {}) noexcept : limit_(limit) {}

	/// The shortened time of @p ts; call with the times of a recording
	/// in order. A time before the previous one moves back by as much.
	base::Timestamp map(base::Timestamp ts) noexcept;

	bool active() const noexcept { return limit_ > base::Timestamp::zero(); }

	/// Where the mapping is, as plain values (a SnapshotCache keeps it).
	struct State {
		base::Timestamp limit, last, removed;
		bool started;
	};
	State state() const noexcept { return State{limit_, last_, removed_, started_}; }
	/// Goes on from @p state.
	static IdleLimit resume(const State &state) noexcept
	{
		IdleLimit idle(state.limit);
		idle.last_ = state.last;
		idle.removed_ = state.removed;
		idle.started_ = state.started;
		return idle;
	}

private:
	base::Timestamp limit_;
	base::Timestamp last_{};    // the previous time given
	base::Timestamp removed_{}; // pause time cut so far
	bool started_ = false;
};

} // namespace tlog::play
