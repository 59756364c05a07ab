// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/snapshot_store.hpp"

#include <algorithm>
#include <stdexcept>

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

SnapshotStore::SnapshotStore(base::Timestamp every, std::vector<Snapshot> kept)
    : snapshots_(std::move(kept)), every_(std::max(every, kLeastEvery))
{
	if (snapshots_.empty())
		throw std::invalid_argument("a snapshot store holds at least the start");
	for (const auto &snapshot : snapshots_)
		bytes_ += snapshot.bytes();
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

const Snapshot &SnapshotStore::latest(base::Timestamp target) const noexcept
{
	auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
				   [](base::Timestamp t, const Snapshot &s) { return t < s.ts; });
	return it == snapshots_.begin() ? *it : *std::prev(it);
}

base::Timestamp SnapshotStore::restore(base::Timestamp target, RecordingStream &stream,
				       RecordingScreen &screen) const
{
	return restore(latest(target), stream, screen);
}

base::Timestamp SnapshotStore::restore(const Snapshot &snapshot, RecordingStream &stream,
				       RecordingScreen &screen)
{
	stream.rewind(snapshot.mark, snapshot.ts);
	screen.restore(snapshot.cols, snapshot.rows, snapshot.paint);
	return snapshot.ts;
}

} // namespace tlog::play
