// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/codec/packet.hpp"
#include "tlog/play/key_map.hpp"
#include "tlog/play/pacer.hpp"
#include "tlog/play/position.hpp"
#include "tlog/play/recording_list.hpp"
#include "tlog/play/recording_screen.hpp"
#include "tlog/play/recording_stream.hpp"
#include "tlog/play/search_scan.hpp"
#include "tlog/play/snapshot_index.hpp"
#include "tlog/play/snapshot_store.hpp"
#include "tlog/play/status_line.hpp"
#include "tlog/play/terminal_output.hpp"
#include "tlog/play/terminal_sizing.hpp"
#include "tlog/term/event_loop.hpp"
#include "tlog/term/key_input.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

/// How to play (filled from PlayConfig by the tool).
struct PlayerOptions {
	std::string match;	     ///< recording id to play; empty: the first seen
	Selection select;	     ///< only messages it matches (a file's; see Selection)
	bool follow = false;	     ///< at the end, wait for more (the reader's waitFd)
	bool lax = false;	     ///< an id gap is one stderr line, not an error
	bool paused = false;	     ///< start paused
	bool persist = false;	     ///< ignore 'q' and keyboard signals
	double speed = 1.0;	     ///< positive multiplier
	PlayPosition goTo;	     ///< fast-forward to here first
	bool handleSignals = true;   ///< SIGINT/SIGTERM/SIGHUP end playback
	bool fromMiddle = false;     ///< the first message may have any id (a cursor)
	base::Timestamp idleLimit{}; ///< longest pause played; zero keeps them all
	std::string search;	     ///< the pattern for 'n'/'N' and listMatches()
	/// Recording time between two screen snapshots (seeking back).
	base::Timestamp snapshotEvery = std::chrono::seconds(5);
	/// Long work says where in the recording it is once it took this
	/// long: listMatches() and exportText() on a progress line of stderr
	/// when that is a terminal (base::showProgress()), a seek on the
	/// output terminal's last row until it lands.
	base::Timestamp progressAfter = std::chrono::seconds(1);
	/// Show a status line on the terminal's last row ('s' toggles it).
	bool status = false;
	/// Ask the terminal (xterm's CSI 8 t) to take the recorded size, and
	/// its own size back at the end.
	bool resize = false;
	/// The recording's length when the source knows it (journal, ES).
	std::optional<base::Timestamp> duration;
	/// Where typed input (when it was recorded) is written as it plays;
	/// -1: nowhere. The status line shows the last keys either way.
	int inputFd = -1;
	/// Output to a terminal as recorded, not through an OutputFilter
	/// (--raw-output); the modes are put back at the end either way.
	bool rawOutput = false;

	/// The recording these options select, for a RecordingStream.
	StreamOptions stream() const
	{
		return StreamOptions{
		    match, select, lax, fromMiddle, idleLimit, inputFd >= 0 || status, follow};
	}
};

/// Lowest and highest speed the '{' and '}' keys reach.
inline constexpr double kMinKeySpeed = 1.0 / 16;
inline constexpr double kMaxKeySpeed = 16.0;

/// How playback ended.
struct PlayResult {
	int signal = 0;		 ///< the signal that ended it, 0 for the end or 'q'
	std::size_t matches = 0; ///< places listed by listMatches()
};

/// Plays one recording (a RecordingStream of it) to an fd, paced by its
/// times on a PlaybackClock (through a Pacer). Recorded input is not
/// written there: it goes to options.inputFd and the status line.
///
/// When the fd is a terminal (the auditor's), the output goes through an
/// OutputFilter (unless options.rawOutput; see TerminalOutput), and every
/// way out of run() (the end, q, a signal, an exception) writes what puts
/// back the modes the recording changed. A file or pipe gets the output
/// as recorded.
///
/// Everything runs in one term::EventLoop, whose clock the player reads:
/// a timer for the next packet's due time, the reader's waitFd() while
/// following, a signalfd, and the key terminal when there is one (raw for
/// the duration of run(), term::RawTerminal; every exit path restores
/// it), read through a term::KeyInput so that the terminal's answers are
/// never keys; a KeyMap turns keys into commands. With no key terminal
/// (stdin is a file or pipe) no keys are read and playback runs to the
/// end.
///
/// On a terminal the player keeps a RecordingScreen of the recorded size:
/// a seek is not printed but painted once it lands, and a SnapshotStore
/// keeps the screen every snapshotEvery of recording time with the
/// reader's mark, so a seek back restores the nearest snapshot and
/// replays from there unseen. A reader without marks (a pipe, ES) cannot
/// go back; that is said, not faked. A seek that takes longer than
/// progressAfter says how far it got on the last row (JumpNote); 'n' and
/// 'N' scan for the search pattern (SearchScan); 's' shows a StatusLine.
///
/// Malformed messages end playback with a base::FormatError naming the
/// message's location; with lax only id gaps are forgiven.
class Player {
public:
	/// @p reader is borrowed for the player's life. @p outFd receives the
	/// output; @p keyFd is a terminal to read keys from, or -1. The player
	/// runs its own loop on the system's clock.
	/// Throws: std::bad_alloc.
	Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd);
	/// The same in @p loop (borrowed), on its clock: tests run it on a
	/// virtual one, with their own timers in it.
	/// Throws: std::bad_alloc.
	Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd,
	       term::EventLoop &loop);
	~Player();
	Player(const Player &) = delete;
	Player &operator=(const Player &) = delete;

	/// Plays until the end (without follow), 'q' or a signal.
	/// Throws: base::FormatError for a message that does not decode or a
	/// missing message (without lax), std::runtime_error when the chosen
	/// recording is not there, std::system_error on I/O failures.
	PlayResult run();

	/// Where a later run should resume after (a journal cursor, for
	/// --cursor-file): the last message read, or, when it was not all
	/// played (quit or a signal in the middle of it), the one before it,
	/// so that it is played again rather than skipped. Empty: none.
	std::string resumePosition() const { return stream_.resumePosition(); }

	/// Seeks also restore @p index's snapshots (borrowed for the
	/// player's life): a seek ahead of what playback passed starts from
	/// the index's nearest one, and while the index is still short of the
	/// target but not behind playback, the player waits for it (its wake
	/// fd) instead of replaying the same way on this core.
	/// Throws: std::bad_alloc.
	void useIndex(SnapshotIndex &index);

	/// Handles typed key bytes as the terminal would deliver them, one
	/// call a read (public for tests; run() feeds it from the key
	/// terminal): escape sequences are whole, across calls, and only the
	/// arrows among them are keys (see term::KeyInput). An ESC that ends
	/// @p keys is the Escape key once nothing follows it for a moment
	/// (while run() runs).
	/// Throws: as run().
	void onKeys(std::string_view keys);

	/// The current playback speed and pause state (for tests).
	double speed() const noexcept { return pacer_.clock().speed(); }
	bool paused() const noexcept { return pacer_.clock().paused(); }
	/// Recording time of the last output shown, snapshots held (tests).
	base::Timestamp shownTime() const noexcept { return shownTs_; }
	std::size_t snapshots() const noexcept { return snapshots_ ? snapshots_->size() : 0; }

private:
	/// How a packet is played.
	enum class Seen {
		Shown,	///< written to the output (and put on the screen)
		Unseen, ///< put on the screen only: a seek under way
	};

	Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd,
	       term::EventLoop *loop, std::unique_ptr<term::EventLoop> ownLoop);
	base::Timestamp now() const noexcept { return loop_.clock().monotonic(); }

	/// Plays the packets that are due, a burst at most; ends playback at
	/// the end.
	void playDue();
	/// When playDue() has something to do next (monotonic).
	std::optional<base::Timestamp> nextDue() const;
	/// Reads a message; the first one starts the clock.
	bool readMessage();
	/// Keeps the screen now, with the stream's mark.
	void takeSnapshot();
	/// While a seek takes long: says how far it got (JumpNote).
	void noteSeek(base::Timestamp now);
	void playPacket(const codec::Packet &packet, Seen seen);
	void playOutput(const codec::Packet &packet, Seen seen);
	void playWindow(const codec::Packet &packet, Seen seen);
	/// Everything there was is written (a fast-forward to the end):
	/// play in step with the recording from here.
	void caughtUpWithEnd(base::Timestamp now);
	/// Paused with a key terminal and a screen: the end does not end it.
	bool holdsAtEnd() const noexcept;

	/// G: to a time (a seek with a screen, else forward only) or the end.
	void goTo(PlayPosition target);
	/// Forward to @p target, without a screen (a place passed stays).
	void fastForwardTo(base::Timestamp target);
	/// Goes to @p target in either direction, unseen, painted on landing
	/// (with a screen).
	void seek(base::Timestamp target);
	/// Restores the latest snapshot at or before @p target; false when
	/// the reader cannot go back.
	bool restoreSnapshot(base::Timestamp target);
	/// During a seek: restores the index's nearest snapshot when it is
	/// ahead of playback; true when the index will get nearer the target
	/// before this replay would (wait for its wake fd).
	bool awaitIndex();
	/// A seek's unseen replay is over: a search scan goes on, or the
	/// screen is painted.
	void onSeekLanded();
	void startSearch(std::string pattern, bool forward);
	void onSearchMatch(base::Timestamp ts);

	void onKeyFdReadable();
	void onKey(const term::Key &key, base::Timestamp now);
	void execute(const Command &command, base::Timestamp now);

	/// Writes what the output gathered, the status line kept over it.
	void flushOutput();
	/// Writes what puts the terminal's modes back, when it is one.
	void restoreTerminal();
	void paintScreen(bool jumped);
	void toggleStatus();
	void refreshStatus();
	std::string drawStatus();
	/// "H:MM:SS" read so far, "of H:MM:SS" when the length is known.
	std::string reachedText() const;

	std::unique_ptr<term::EventLoop> ownLoop_; // when not given one
	term::EventLoop &loop_;
	PlayerOptions options_;
	int keyFd_;
	RecordingStream stream_;
	Pacer pacer_;
	TerminalOutput output_;
	std::optional<RecordingScreen> screen_;	 // on a terminal
	std::optional<SnapshotStore> snapshots_; // with a screen and a reader that goes back
	SnapshotIndex *index_ = nullptr;	 // made ahead, borrowed (useIndex())
	std::optional<term::FdWatch> indexWatch_;
	// Where a seek goes, while the index may take it nearer.
	std::optional<base::Timestamp> seekTarget_;
	bool awaitingIndex_ = false; // the index will be there first
	SearchScan scan_;
	KeyMap keyMap_;
	term::KeyInput keyInput_;	// what the key terminal sends
	std::vector<term::Key> keys_;	// the keys of one read
	std::vector<Command> commands_; // what one key asks
	StatusLine status_;
	TerminalSizing sizing_;
	JumpNote jumpNote_;

	bool started_ = false; // the clock runs from the first message
	bool done_ = false;
	// A seek put output on the screen that the terminal has not been
	// shown: the screen is painted when it lands.
	bool landingPaintDue_ = false;
	// The command line's --goto prints the output before the place (as
	// the reference does), rather than painting where it lands.
	bool printingCatchUp_ = false;
	base::Timestamp shownTs_{}; // time of the last output packet played

	std::optional<term::FdWatch> keyWatch_; // the key terminal, during run()
	term::Timer playTimer_;			// the next packet's due time
	term::Timer statusTimer_;		// the status line's clock moves while paused
	term::Timer escapeTimer_;		// a lone ESC is the Escape key then
};

} // namespace tlog::play
