// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/recording_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <utility>

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tlog/base/log.hpp"
#include "tlog/base/process.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::play {

namespace {

// How long a recording whose recorder is gone is still read for what it
// sent last (journald writes entries a moment after it takes them).
constexpr std::chrono::seconds kRecorderGrace{2};

} // namespace

RecordingStream::RecordingStream(source::Reader &reader, StreamOptions options,
				 term::EventLoop &loop)
    : reader_(reader), options_(std::move(options)), loop_(loop), decoder_(freshDecoder()),
      idle_(options_.idleLimit), readerWatch_(loop,
					      [this](short) {
						      reader_.onWaitFdReady();
						      setAtReaderEnd(false);
					      }),
      retry_(loop, [this] { setAtReaderEnd(false); }),
      recorderWatch_(loop, [this](short) { onRecorderGone("ended"); }),
      recorderGrace_(loop, [this] {
	      // Known only now: the marked end usually arrives after the exit.
	      whyEnded_ = recorderGoneText_;
	      recorderGone_ = true;
	      setAtReaderEnd(atReaderEnd_);
      })
{
}

bool RecordingStream::following() const noexcept
{
	return options_.follow && !reader_.finished();
}

void RecordingStream::watchRecorder()
{
	recorderChecked_ = true;
	auto parts = base::parseRecordingId(*rec_);
	// Another host's or another boot's recorder cannot be watched: its
	// end mark is what ends following it.
	if (!parts || parts->boot != base::bootId())
		return;
	int fd = static_cast<int>(::syscall(SYS_pidfd_open, parts->pid, 0));
	if (fd < 0) {
		if (errno == ESRCH)
			onRecorderGone("is gone");
		return;
	}
	recorderFd_ = base::UniqueFd(fd);
	// The pid may be another process's by now.
	auto stat = base::processStat(parts->pid);
	if (!stat || stat->startTime != parts->startTime) {
		onRecorderGone("is gone");
		return;
	}
	recorderWatch_.watch(fd, POLLIN);
}

void RecordingStream::onRecorderGone(const std::string &why)
{
	recorderWatch_.unwatch();
	recorderFd_ = base::UniqueFd();
	if (recordingEnded_ || recorderGrace_.scheduled())
		return;
	auto parts = base::parseRecordingId(*rec_);
	recorderGoneText_ = "the recorder of " + *rec_ + " (pid " + std::to_string(parts->pid) +
			    ") " + why + " without marking the recording's end: stopping";
	// Its last messages, the marked end among them, may be in journald's
	// queue still.
	recorderGrace_.schedule(loop_.clock().monotonic() + kRecorderGrace);
	setAtReaderEnd(false);
}

codec::ChunkDecoder RecordingStream::freshDecoder() const noexcept
{
	return codec::ChunkDecoder(options_.lax, options_.fromMiddle ? 0 : 1);
}

bool RecordingStream::finished() const noexcept
{
	return reader_.finished() || recordingEnded_ || recorderGone_;
}

bool RecordingStream::ended() const noexcept
{
	return atReaderEnd_ && (finished() || (reader_.waitFd() < 0 && !retry_.scheduled()));
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
	if (atReaderEnd_ && rec_ && !recorderChecked_ && !finished() && following() &&
	    reader_.direct())
		watchRecorder();
	if (atReaderEnd_ && fd < 0 && !finished())
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
	auto message = source::parse(*raw);
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

	if (message.end && !recordingEnded_) {
		recordingEnded_ = true;
		recorderWatch_.unwatch();
		recorderGrace_.cancel();
		if (following())
			whyEnded_ =
			    "the recording " + rec + " ended: its recorder marked its last message";
	}

	std::vector<codec::Packet> packets;
	auto gap = decoder_.decode(message, raw->location, packets);
	// Met again after a jump back: reported once.
	if (gap && std::find(gaps_.begin(), gaps_.end(), gap->firstMissing) != gaps_.end())
		gap.reset();
	if (gap) {
		gaps_.push_back(gap->firstMissing);
		if (gap->firstMissing == gap->lastMissing)
			say(raw->location + ": message " + std::to_string(gap->firstMissing) +
			    " missing");
		else
			say(raw->location + ": messages " + std::to_string(gap->firstMissing) +
			    "-" + std::to_string(gap->lastMissing) + " missing");
	}
	// Out of order (lax): played on, reported once as well.
	const auto &overlap = decoder_.overlap();
	if (overlap &&
	    std::find(overlaps_.begin(), overlaps_.end(), overlap->id) == overlaps_.end()) {
		overlaps_.push_back(overlap->id);
		say(raw->location + ": " + codec::describe(*overlap));
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
	// Quit before the source was read through (q while a search is under
	// way): that nothing matched is not known.
	bool readThrough = atReaderEnd_ && finished();
	if (!rec_ && !readThrough)
		return;
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
		say(text + (options_.match.empty() ? " (choose with -m)" : ""));
	}
}

void RecordingStream::sayWhyEnded()
{
	if (!whyEnded_.empty())
		say(std::exchange(whyEnded_, {}));
}

void RecordingStream::say(const std::string &text) const
{
	if (!options_.quiet)
		base::logLine(text);
}

} // namespace tlog::play
