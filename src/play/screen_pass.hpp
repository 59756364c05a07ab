// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "tlog/base/log.hpp"
#include "tlog/play/player.hpp"
#include "tlog/play/recording_screen.hpp"
#include "tlog/play/recording_stream.hpp"
#include "tlog/term/event_loop.hpp"

namespace tlog::play {

/// Reads a whole recording onto a RecordingScreen as fast as it comes,
/// showing nothing on the way: what --export=text and --list-matches
/// consume. It runs in the loop it is given (the reader's waits, the
/// signals of options.handleSignals); output it is handed goes to its fd
/// in pieces; once the work takes options.progressAfter it says how far
/// it got on a progress line on stderr (when that is a terminal). The
/// reader, the fd and the loop are borrowed.
class ScreenPass {
public:
	/// Called with each place the search pattern newly shows: the
	/// recording time and the row's text.
	using MatchFn = std::function<void(base::Timestamp ts, const std::string &row)>;

	/// Keeps @p scrollbackLines lines that scroll off; searches for
	/// options.search (when not empty).
	/// Throws: std::bad_alloc.
	ScreenPass(source::Reader &reader, const PlayerOptions &options, int fd,
		   std::size_t scrollbackLines, term::EventLoop &loop);

	/// Reads to the end; returns the signal that ended it, or 0.
	/// Throws: as Player::run().
	int run(MatchFn onMatch);
	/// Output for the fd.
	/// Throws: std::bad_alloc.
	void append(std::string_view text) { pending_ += text; }
	/// Writes the output gathered.
	/// Throws: std::system_error.
	void flush();
	/// After the end: as RecordingStream::finish().
	void finish() const { stream_.finish(); }

	const screen::VirtualScreen &screen() const noexcept { return screen_.screen(); }

private:
	/// Reads a burst; at the end, stops the loop.
	void readSome();

	PlayerOptions options_;
	int fd_;
	term::EventLoop &loop_;
	RecordingStream stream_;
	RecordingScreen screen_;
	base::ProgressLine progress_;
	std::string pending_;
	MatchFn onMatch_;
	bool done_ = false;
	term::Timer reading_; // due while there is something to read
};

} // namespace tlog::play
