// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/recording_stream.hpp"

#include <algorithm>
#include <stdexcept>

#include <poll.h>

#include "tlog/base/log.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::play {

RecordingStream::RecordingStream(source::Reader &reader, StreamOptions options,
				 term::EventLoop &loop)
    : reader_(reader), options_(std::move(options)), loop_(loop), decoder_(freshDecoder()),
      idle_(options_.idleLimit), readerWatch_(loop,
					      [this](short) {
						      reader_.onWaitFdReady();
						      setAtReaderEnd(false);
					      }),
      retry_(loop, [this] { setAtReaderEnd(false); })
{
}

codec::ChunkDecoder RecordingStream::freshDecoder() const noexcept
{
	return codec::ChunkDecoder(options_.lax, options_.fromMiddle ? 0 : 1);
}

bool RecordingStream::finished() const noexcept
{
	return reader_.finished();
}

bool RecordingStream::ended() const noexcept
{
	return atReaderEnd_ &&
	       (reader_.finished() || (reader_.waitFd() < 0 && !retry_.scheduled()));
}

void RecordingStream::setAtReaderEnd(bool atEnd)
{
	atReaderEnd_ = atEnd;
	int fd = reader_.waitFd();
	if (fd != readerWatch_.fd()) {
		if (fd >= 0)
			readerWatch_.watch(fd, 0);
		else
			readerWatch_.unwatch();
	}
	// Watched only while waiting, or a readable pipe would spin the loop.
	if (readerWatch_.fd() >= 0)
		readerWatch_.setEvents(atReaderEnd_ ? POLLIN : 0);
	// A source with nothing to wait on (a remote search) is asked again
	// after the pause it names.
	retry_.cancel();
	if (atReaderEnd_ && fd < 0 && !reader_.finished())
		if (auto delay = reader_.retryDelay())
			retry_.schedule(loop_.clock().monotonic() + *delay);
}

bool RecordingStream::readMessage()
{
	std::string before = reader_.position();
	auto raw = reader_.read();
	if (!raw) {
		setAtReaderEnd(true);
		return false;
	}
	auto message = codec::parseMessage(raw->text, raw->location);
	if (!options_.select.matches(message.envelope))
		return true;
	const std::string &rec = message.envelope.rec;
	if (!rec_ && (options_.match.empty() || rec == options_.match))
		rec_ = rec;
	if (!rec_ || rec != *rec_) {
		if (std::find(others_.begin(), others_.end(), rec) == others_.end())
			others_.push_back(rec);
		return true;
	}

	std::vector<codec::Packet> packets;
	auto gap = decoder_.decode(message, raw->location, packets);
	// Met again after a jump back: reported once.
	if (gap && std::find(gaps_.begin(), gaps_.end(), gap->firstMissing) != gaps_.end())
		gap.reset();
	if (gap) {
		gaps_.push_back(gap->firstMissing);
		if (gap->firstMissing == gap->lastMissing)
			base::logLine(raw->location + ": message " +
				      std::to_string(gap->firstMissing) + " missing");
		else
			base::logLine(raw->location + ": messages " +
				      std::to_string(gap->firstMissing) + "-" +
				      std::to_string(gap->lastMissing) + " missing");
	}
	// Out of order (lax): played on, reported once as well.
	const auto &overlap = decoder_.overlap();
	if (overlap &&
	    std::find(overlaps_.begin(), overlaps_.end(), overlap->id) == overlaps_.end()) {
		overlaps_.push_back(overlap->id);
		base::logLine(raw->location + ": " + codec::describe(*overlap));
	}
	// The clock starts at the first message (pos 0 for a whole recording).
	if (!start_)
		start_ = idle_.map(std::chrono::milliseconds(message.pos));
	for (auto &packet : packets) {
		packet.ts = idle_.map(packet.ts);
		reached_ = packet.ts;
		if (packet.type != codec::PacketType::Input || options_.keepInput)
			queue_.push_back(std::move(packet));
	}
	if (!queue_.empty())
		beforeQueued_ = std::move(before);
	lastPos_ = message.pos;
	lastTime_ = message.time;
	return true;
}

std::string RecordingStream::resumePosition() const
{
	return queue_.empty() ? reader_.position() : beforeQueued_;
}

std::optional<base::Timestamp> RecordingStream::liveEdge() const
{
	if (!lastTime_)
		return std::nullopt;
	auto since = loop_.clock().realtime() - std::chrono::duration_cast<base::Timestamp>(
						    std::chrono::duration<double>(*lastTime_));
	return base::Timestamp(std::chrono::milliseconds(lastPos_)) + since;
}

std::optional<RecordingStream::Mark> RecordingStream::mark() const
{
	auto mark = reader_.mark();
	if (!mark)
		return std::nullopt;
	// Before the first message the decoder has nothing to go on from.
	std::optional<std::uint64_t> lastId;
	if (start_)
		lastId = decoder_.lastId();
	return Mark{std::move(*mark), lastId, idle_};
}

void RecordingStream::rewind(const Mark &mark, base::Timestamp reached)
{
	reader_.rewind(mark.reader);
	decoder_ =
	    mark.lastId ? codec::ChunkDecoder(options_.lax, *mark.lastId + 1) : freshDecoder();
	idle_ = mark.idle;
	queue_.clear();
	reached_ = reached;
	setAtReaderEnd(false);
}

void RecordingStream::finish() const
{
	if (!rec_ && !options_.select.any() && !options_.fromMiddle)
		throw std::runtime_error(reader_.name() + ": no recording matches " +
					 options_.select.describe());
	// Resumed at a cursor, finding nothing new is not an error.
	if (!options_.match.empty() && !rec_ && !options_.fromMiddle) {
		std::string text = reader_.name() + ": no recording " + options_.match;
		if (!others_.empty()) {
			text += " (found:";
			for (auto &rec : others_)
				text += " " + rec;
			text += ")";
		}
		throw std::runtime_error(text);
	}
	if (!others_.empty()) {
		std::string text = "also in " + reader_.name() + ":";
		for (std::size_t i = 0; i < others_.size(); i++)
			text += (i == 0 ? " " : ", ") + others_[i];
		base::logLine(text + (options_.match.empty() ? " (choose with -m)" : ""));
	}
}

} // namespace tlog::play
