// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/snapshot_store.hpp"

#include <algorithm>

#include "tlog/play/recording_screen.hpp"

namespace tlog::play {

namespace {

constexpr base::Timestamp kLeastEvery = std::chrono::milliseconds(100);

} // namespace

SnapshotStore::SnapshotStore(base::Timestamp every, RecordingStream::Mark start,
			     const RecordingScreen &screen)
    : every_(std::max(every, kLeastEvery))
{
	take(base::Timestamp::zero(), std::move(start), screen);
}

void SnapshotStore::take(base::Timestamp reached, RecordingStream::Mark mark,
			 const RecordingScreen &screen)
{
	const auto &shown = screen.screen();
	snapshots_.push_back(
	    Snapshot{reached, std::move(mark), shown.cols(), shown.rows(), shown.paint()});
	bytes_ += snapshots_.back().bytes();
	if (snapshots_.size() < kMaxSnapshots && bytes_ <= kMaxBytes)
		return;
	// Every other one goes (the first stays): memory stays bounded and
	// seeking back replays at most twice as far.
	std::size_t kept = 1;
	bytes_ = snapshots_[0].bytes();
	for (std::size_t i = 2; i < snapshots_.size(); i += 2) {
		bytes_ += snapshots_[i].bytes();
		snapshots_[kept++] = std::move(snapshots_[i]);
	}
	snapshots_.resize(kept);
	every_ *= 2;
}

const SnapshotStore::Snapshot &SnapshotStore::latest(base::Timestamp target) const noexcept
{
	auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
				   [](base::Timestamp t, const Snapshot &s) { return t < s.ts; });
	return it == snapshots_.begin() ? *it : *std::prev(it);
}

bool SnapshotStore::aheadOf(base::Timestamp after, base::Timestamp target) const noexcept
{
	auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
				   [](base::Timestamp t, const Snapshot &s) { return t < s.ts; });
	return it != snapshots_.begin() && std::prev(it)->ts > after;
}

base::Timestamp SnapshotStore::restore(base::Timestamp target, RecordingStream &stream,
				       RecordingScreen &screen) const
{
	const Snapshot &snap = latest(target);
	stream.rewind(snap.mark, snap.ts);
	screen.restore(snap.cols, snap.rows, snap.paint);
	return snap.ts;
}

} // namespace tlog::play
