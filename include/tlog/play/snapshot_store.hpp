// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/play/recording_stream.hpp"

namespace tlog::play {

class RecordingScreen;

/// A screen kept at a moment of a recording: everything up to ts is on
/// it, and the stream's mark there replays what follows.
struct Snapshot {
	base::Timestamp ts;
	RecordingStream::Mark mark;
	unsigned cols, rows;
	std::string paint;
	std::size_t bytes() const noexcept { return paint.size() + mark.reader.size(); }
};

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
	/// Holds @p kept (a store's snapshots(), as a SnapshotCache gave them
	/// back: in time order, the first at the start), one every @p every.
	/// Throws: std::invalid_argument when @p kept is empty.
	SnapshotStore(base::Timestamp every, std::vector<Snapshot> kept);

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
	bool aheadOf(base::Timestamp after, base::Timestamp target) const noexcept
	{
		return nearest(after, target) != nullptr;
	}
	/// Restores the latest snapshot at or before @p target (the first
	/// when none is) into @p stream and @p screen; returns its time.
	/// Throws: what RecordingStream::rewind() throws; std::bad_alloc.
	base::Timestamp restore(base::Timestamp target, RecordingStream &stream,
				RecordingScreen &screen) const;

	/// The latest snapshot at or before @p target when it is after
	/// @p after, or nullptr.
	const Snapshot *nearest(base::Timestamp after, base::Timestamp target) const noexcept
	{
		const Snapshot &snapshot = latest(target);
		return snapshot.ts > after && snapshot.ts <= target ? &snapshot : nullptr;
	}
	/// Restores @p snapshot (of any store of the same recording) into
	/// @p stream and @p screen; returns its time.
	/// Throws: as restore().
	static base::Timestamp restore(const Snapshot &snapshot, RecordingStream &stream,
				       RecordingScreen &screen);

	std::size_t size() const noexcept { return snapshots_.size(); }
	const std::vector<Snapshot> &snapshots() const noexcept { return snapshots_; }
	base::Timestamp every() const noexcept { return every_; }

private:
	/// The latest at or before @p target, or the first.
	const Snapshot &latest(base::Timestamp target) const noexcept;

	std::vector<Snapshot> snapshots_;
	std::size_t bytes_ = 0;
	base::Timestamp every_;
};

} // namespace tlog::play
