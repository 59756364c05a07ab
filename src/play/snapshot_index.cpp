// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/snapshot_index.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include <sys/eventfd.h>
#include <unistd.h>

#include "tlog/codec/packet.hpp"
#include "tlog/play/recording_screen.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/term/event_loop.hpp"

namespace tlog::play {

namespace {

// The most output held back from the index's screen between snapshots.
constexpr std::size_t kMaxPending = 256 * 1024;

} // namespace

SnapshotIndex::SnapshotIndex(ReaderFactory makeReader, StreamOptions options, base::Timestamp every,
			     std::optional<SnapshotCache> cache)
    : makeReader_(std::move(makeReader)), options_(std::move(options)), every_(every),
      cache_(std::move(cache)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
	if (!wake_)
		throw std::system_error(errno, std::system_category(), "eventfd");
	options_.quiet = true;
	options_.keepInput = false;
	running_.store(true, std::memory_order_release);
	thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

SnapshotIndex::~SnapshotIndex() = default;

void SnapshotIndex::run(std::stop_token stop) noexcept
{
	try {
		index(stop);
	} catch (...) {
		// The player meets the same failure when it gets there, and says
		// it then; the index ends where it got to.
	}
	running_.store(false, std::memory_order_release);
	wake();
}

void SnapshotIndex::index(std::stop_token stop)
{
	// The content as it is before reading it, to find its entry and, once
	// read, to tell that it did not change on the way.
	std::optional<std::string> digest;
	if (cache_ && (digest = cache_->digest(stop)))
		if (auto entry = cache_->load(*digest)) {
			auto last = entry->snapshots.back().ts;
			{
				std::lock_guard lock(mutex_);
				store_.emplace(entry->every, std::move(entry->snapshots));
			}
			reached_.store(last.count(), std::memory_order_release);
			fromCache_.store(true, std::memory_order_release);
			complete_.store(true, std::memory_order_release);
			return;
		}
	auto reader = makeReader_();
	// The stream's waits: a regular file never makes it wait.
	term::EventLoop loop;
	RecordingStream stream(*reader, options_, loop);
	RecordingScreen screen;
	// Output goes to the screen in pieces as large as the snapshots
	// allow, so that it passes over lines that scroll off unseen.
	screen.screen().passOverScrolledOff(true);
	std::string pending;
	bool sized = false; // a window size came
	auto show = [&] {
		if (pending.empty())
			return; // an empty output would still count as output
		screen.output(pending);
		pending.clear();
	};
	auto start = stream.mark();
	if (!start)
		return;
	{
		std::lock_guard lock(mutex_);
		store_.emplace(every_, std::move(*start), screen);
	}
	wake();
	while (!stop.stop_requested()) {
		if (stream.empty()) {
			// As the player takes them: at a message boundary, on a
			// settled screen (see Player::playDue()). Only this
			// thread changes the store: reading it needs no lock.
			bool due = stream.start() && store_->due(stream.reached());
			if (due || pending.size() >= kMaxPending)
				show();
			if (due && screen.screen().settled()) {
				auto mark = stream.mark();
				if (!mark)
					return;
				{
					std::lock_guard lock(mutex_);
					store_->take(stream.reached(), std::move(*mark), screen);
				}
				wake();
			}
			if (!stream.readMessage()) {
				if (!stream.ended())
					return; // a source that would make it wait
				break;
			}
			reached_.store(stream.reached().count(), std::memory_order_release);
			continue;
		}
		const auto &packet = stream.front();
		if (packet.type == codec::PacketType::Output) {
			pending.append(packet.data);
		} else if (packet.type == codec::PacketType::Window) {
			// Every message repeats the size: only a new one, or the
			// first (output before it was a pipe's), comes between.
			const auto &shown = screen.screen();
			if (!sized || packet.cols != shown.cols() || packet.rows != shown.rows())
				show();
			sized = true;
			screen.window(packet.cols, packet.rows);
		}
		stream.pop();
	}
	if (stop.stop_requested())
		return;
	complete_.store(true, std::memory_order_release);
	// Kept only when the content read is the content digested: a file
	// rewritten meanwhile gets no entry of either.
	if (digest && cache_->digest(stop) == digest) {
		// Only this thread changes the store: reading it here needs no lock.
		try {
			cache_->save(*digest, store_->every(), store_->snapshots());
		} catch (...) {
			// No cache this time: the next run indexes again.
		}
	}
}

void SnapshotIndex::wake() noexcept
{
	std::uint64_t one = 1;
	// Only fails when the counter would overflow: it is readable then.
	[[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void SnapshotIndex::drain() noexcept
{
	std::uint64_t count;
	[[maybe_unused]] auto n = ::read(wake_.get(), &count, sizeof count);
}

std::optional<base::Timestamp> SnapshotIndex::restoreAfter(base::Timestamp after,
							   base::Timestamp target,
							   RecordingStream &stream,
							   RecordingScreen &screen) const
{
	// A copy, restored outside the lock: the thread takes its next
	// snapshots meanwhile.
	std::optional<Snapshot> nearest;
	{
		std::lock_guard lock(mutex_);
		if (!store_)
			return std::nullopt;
		if (const Snapshot *snapshot = store_->nearest(after, target))
			nearest = *snapshot;
	}
	if (!nearest)
		return std::nullopt;
	return SnapshotStore::restore(*nearest, stream, screen);
}

std::size_t SnapshotIndex::size() const
{
	std::lock_guard lock(mutex_);
	return store_ ? store_->size() : 0;
}

} // namespace tlog::play
