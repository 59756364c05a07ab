// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tlog/base/clock.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/play/recording_stream.hpp"
#include "tlog/play/snapshot_cache.hpp"
#include "tlog/play/snapshot_store.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

class RecordingScreen;

/// The snapshots of a whole recording, made ahead of the person playing
/// it: from its construction a thread of its own (the second core) reads
/// the recording through a second reader, puts it on a screen of its own
/// and keeps a snapshot every `every` of recording time in a
/// SnapshotStore, so that a seek far ahead restores the nearest one
/// instead of replaying the way there. A SnapshotCache entry, when there is
/// one for this very content (the thread takes its digest first), is the
/// index at once; an index that reached the end of content that did not
/// change on the way is saved to the cache for the next run.
///
/// This is the one place where the player uses a second thread. The
/// thread shares nothing with the player's but the store (under a mutex)
/// and a wake fd; it says nothing on stderr (the player reads the same
/// messages and says what there is to say), and a failure (a malformed
/// message, a read error) only ends the indexing there: the player meets
/// it when it gets there. Destruction stops the thread and waits for it.
class SnapshotIndex {
public:
	using ReaderFactory = std::function<std::unique_ptr<source::Reader>()>;

	/// Indexes what @p makeReader reads (called once, on the thread) with
	/// @p options (as the player's stream reads it; quiet is forced),
	/// a snapshot every @p every; @p cache, when given, is asked first
	/// and given the index once it reached the end.
	/// Throws: std::system_error when the wake fd or the thread cannot
	/// be made.
	SnapshotIndex(ReaderFactory makeReader, StreamOptions options, base::Timestamp every,
		      std::optional<SnapshotCache> cache);
	~SnapshotIndex();
	SnapshotIndex(const SnapshotIndex &) = delete;
	SnapshotIndex &operator=(const SnapshotIndex &) = delete;

	/// Readable when a snapshot was added or the indexing ended; drain()
	/// it before waiting again.
	int wakeFd() const noexcept { return wake_.get(); }
	void drain() noexcept;

	/// Indexing goes on: more snapshots may come.
	bool running() const noexcept { return running_.load(std::memory_order_acquire); }
	/// Recording time indexed so far (the whole recording once it ended
	/// at the end, or loaded from the cache).
	base::Timestamp reached() const noexcept
	{
		return base::Timestamp(reached_.load(std::memory_order_acquire));
	}
	/// The index covers the whole recording.
	bool complete() const noexcept { return complete_.load(std::memory_order_acquire); }
	/// It came from the cache.
	bool fromCache() const noexcept { return fromCache_.load(std::memory_order_acquire); }

	/// As SnapshotStore::restoreAfter(), with the index's snapshots.
	/// Throws: as SnapshotStore::restore().
	std::optional<base::Timestamp> restoreAfter(base::Timestamp after, base::Timestamp target,
						    RecordingStream &stream,
						    RecordingScreen &screen) const;
	/// Snapshots held (tests).
	std::size_t size() const;

private:
	void run(std::stop_token stop) noexcept;
	void index(std::stop_token stop);
	void wake() noexcept;

	ReaderFactory makeReader_;
	StreamOptions options_;
	base::Timestamp every_;
	std::optional<SnapshotCache> cache_;
	base::UniqueFd wake_; // an eventfd

	mutable std::mutex mutex_;
	std::optional<SnapshotStore> store_; // under mutex_
	std::atomic<bool> running_{false};
	std::atomic<bool> complete_{false};
	std::atomic<base::Timestamp::rep> reached_{0};
	std::atomic<bool> fromCache_{false};
	std::jthread thread_; // last: stopped and joined first
};

} // namespace tlog::play
