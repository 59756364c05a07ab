// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/play/recording_stream.hpp"

namespace tlog::play {

class RecordingScreen;

/// Screens kept along a recording, so that a seek goes back (or ahead, to
/// where playback has been) by restoring the nearest one and replaying
/// from there unseen. One is taken every `every` of recording time, with
/// the stream's mark; memory stays bounded: past kMaxSnapshots (or
/// kMaxBytes) every other one goes and the interval doubles, so an hour
/// or a week of recording costs the same.
class SnapshotStore {
public:
	static constexpr std::size_t kMaxSnapshots = 1024;
	static constexpr std::size_t kMaxBytes = 32 << 20;

	/// Starts with the screen at the stream's start (@p start, its mark
	/// there); one every @p every (at least 100 ms) from there.
	/// Throws: std::bad_alloc.
	SnapshotStore(base::Timestamp every, RecordingStream::Mark start,
		      const RecordingScreen &screen);

	/// Whether one is due for a screen showing everything up to @p reached.
	bool due(base::Timestamp reached) const noexcept
	{
		return reached >= snapshots_.back().ts + every_;
	}
	/// Keeps @p screen, showing everything up to @p reached, with @p mark.
	/// Throws: std::bad_alloc.
	void take(base::Timestamp reached, RecordingStream::Mark mark,
		  const RecordingScreen &screen);
	/// Whether the latest snapshot at or before @p target is after
	/// @p after: going ahead to @p target from @p after, restoring it
	/// saves replaying the way there.
	bool aheadOf(base::Timestamp after, base::Timestamp target) const noexcept;
	/// Restores the latest snapshot at or before @p target (the first
	/// when none is) into @p stream and @p screen; returns its time.
	/// Throws: what RecordingStream::rewind() throws; std::bad_alloc.
	base::Timestamp restore(base::Timestamp target, RecordingStream &stream,
				RecordingScreen &screen) const;

	std::size_t size() const noexcept { return snapshots_.size(); }

private:
	struct Snapshot {
		base::Timestamp ts; // everything up to here is on it
		RecordingStream::Mark mark;
		unsigned cols, rows;
		std::string paint;
		std::size_t bytes() const noexcept { return paint.size() + mark.reader.size(); }
	};
	/// The latest at or before @p target, or the first.
	const Snapshot &latest(base::Timestamp target) const noexcept;

	std::vector<Snapshot> snapshots_;
	std::size_t bytes_ = 0;
	base::Timestamp every_;
};

} // namespace tlog::play
