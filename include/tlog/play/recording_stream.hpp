// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/packet.hpp"
#include "tlog/play/idle_limit.hpp"
#include "tlog/play/recording_list.hpp"
#include "tlog/term/event_loop.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

/// Which recording a RecordingStream yields, and how.
struct StreamOptions {
	std::string match;	     ///< recording id; empty: the first seen
	Selection select;	     ///< only messages it matches
	bool lax = false;	     ///< an id gap is one stderr line, not an error
	bool fromMiddle = false;     ///< the first message may have any id (a cursor)
	base::Timestamp idleLimit{}; ///< longest pause kept; zero keeps them all
	bool keepInput = false;	     ///< input packets are yielded too
	/// Following a live recording: its end is said, and a recorder gone
	/// ends it (a direct source).
	bool follow = false;
	/// Says nothing on stderr (a SnapshotIndex reading beside the player).
	bool quiet = false;
};

/// The playback's core: reads messages from a Reader, keeps those of one
/// recording (the first seen or options.match; the others are named by
/// finish(), never interleaved), decodes them in order and yields their
/// packets with their times (shortened by the idle limit). Gaps (with
/// lax) and messages out of order are said once each on stderr. The live
/// player, the text export and the match list consume it.
///
/// At the reader's end it waits in the loop it is given: on the reader's
/// waitFd(), or a reader that offers nothing to wait on is asked again
/// after its retryDelay(); the consumer's next deadline asks empty() and
/// atReaderEnd() again. The reader and the loop are borrowed for the
/// stream's life.
class RecordingStream {
public:
	/// Throws: std::bad_alloc.
	RecordingStream(source::Reader &reader, StreamOptions options, term::EventLoop &loop);

	/// Reads one message (another recording's counts: it yields nothing);
	/// false when the reader had none (atReaderEnd() is then true).
	/// Throws: base::FormatError for a message that does not decode or a
	/// missing one (without lax); what the reader throws.
	bool readMessage();

	/// Decoded packets not yet taken, oldest first.
	bool empty() const noexcept { return queue_.empty(); }
	const codec::Packet &front() const noexcept { return queue_.front(); }
	void pop() noexcept { queue_.pop_front(); }

	/// The last read() came back empty; more may come (following).
	bool atReaderEnd() const noexcept { return atReaderEnd_; }
	/// At the reader's end, and nothing more will come: the reader is
	/// finished, or it offers nothing to wait on.
	bool ended() const noexcept;
	/// Nothing more will come: the reader says its last empty read() was
	/// the end, or the recording ended (a message marked as its end was
	/// read, or, following, its recorder on this host is gone).
	bool finished() const noexcept;

	/// The time of the first message of the recording (where a clock
	/// starts), once one was read.
	std::optional<base::Timestamp> start() const noexcept { return start_; }
	/// The time of the last packet decoded.
	base::Timestamp reached() const noexcept { return reached_; }
	/// How many gaps were met (lax).
	std::size_t gaps() const noexcept { return gaps_.size(); }
	/// Where a live recording is now, by its last message's wall-clock
	/// "time" and the loop clock's; nullopt before a message.
	std::optional<base::Timestamp> liveEdge() const;

	/// Says (once) why following ended, when it did: the recorder marked
	/// the end, or is gone without marking it. The player calls it once
	/// everything was played, so that it comes after the last output.
	void sayWhyEnded();

	/// Where a later run should resume after (see Player::resumePosition()).
	std::string resumePosition() const;

	/// Where the stream is, for going back to it with rewind().
	struct Mark {
		std::string reader;		     ///< the reader's mark()
		std::optional<std::uint64_t> lastId; ///< the decoder's; none: at the start
		IdleLimit idle;
	};
	/// Where the stream is now; nullopt when the reader cannot go back.
	std::optional<Mark> mark() const;
	/// Goes back to @p mark, where the last packet decoded was at
	/// @p reached; the packets not taken are dropped.
	/// Throws: what Reader::rewind() throws.
	void rewind(const Mark &mark, base::Timestamp reached);

	/// At the end of playback: names the other recordings met on stderr.
	/// Throws: std::runtime_error when no message matched the selection,
	/// or the recording asked for was not there, in a source read through
	/// (not when playback was quit before its end).
	void finish() const;

	const source::Reader &reader() const noexcept { return reader_; }

private:
	void setAtReaderEnd(bool atEnd);
	/// Following, at the reader's end: the recorder of the recording, when
	/// it ran on this boot of this host, is watched until it is gone.
	void watchRecorder();
	void onRecorderGone(const std::string &why);
	bool following() const noexcept;
	codec::ChunkDecoder freshDecoder() const noexcept;
	/// One line on stderr, unless quiet.
	void say(const std::string &text) const;

	source::Reader &reader_;
	StreamOptions options_;
	term::EventLoop &loop_;
	codec::ChunkDecoder decoder_;
	IdleLimit idle_; // shortens the packets' times (--idle-limit)

	std::optional<std::string> rec_;  // the recording being played
	std::string beforeQueued_;	  // reader position before the queued message
	std::vector<std::string> others_; // other recordings seen, in order
	std::deque<codec::Packet> queue_; // decoded, not yet taken
	bool atReaderEnd_ = false;
	std::optional<base::Timestamp> start_;
	base::Timestamp reached_{};
	std::uint64_t lastPos_ = 0; // pos and time of the last message
	std::optional<double> lastTime_;
	std::vector<std::uint64_t> gaps_;     // first id of each gap met
	std::vector<std::uint64_t> overlaps_; // id of each message out of order met (lax)
	// The reader's waitFd() while at its end; a retry for a reader that
	// offers nothing to wait on.
	term::FdWatch readerWatch_;
	term::Timer retry_;
	bool recordingEnded_ = false; // a message marked as the end was read
	bool recorderChecked_ = false;
	base::UniqueFd recorderFd_; // a pidfd of the live recording's recorder
	term::FdWatch recorderWatch_;
	// The recorder is gone: what it sent last may still be on its way into
	// the store; the recording ends when this expires.
	term::Timer recorderGrace_;
	bool recorderGone_ = false;
	std::string recorderGoneText_; // said when the grace ends unmarked
	std::string whyEnded_;	       // for sayWhyEnded(), while following
};

} // namespace tlog::play
