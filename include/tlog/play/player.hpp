// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/base/log.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/packet.hpp"
#include "tlog/play/idle_limit.hpp"
#include "tlog/play/output_filter.hpp"
#include "tlog/play/playback_clock.hpp"
#include "tlog/play/recording_list.hpp"
#include "tlog/play/position.hpp"
#include "tlog/play/screen_search.hpp"
#include "tlog/play/virtual_screen.hpp"
#include "tlog/term/event_loop.hpp"
#include "tlog/term/key_input.hpp"
#include "tlog/term/window.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

/// How to play (filled from PlayConfig by the tool).
struct PlayerOptions {
	std::string match;     ///< recording id to play; empty: the first seen
	Selection select;      ///< only messages it matches (a file's; see Selection)
	bool follow = false;   ///< at the end, wait for more (the reader's waitFd)
	bool lax = false;      ///< an id gap is one stderr line, not an error
	bool paused = false;   ///< start paused
	bool persist = false;  ///< ignore 'q' and keyboard signals
	double speed = 1.0;    ///< positive multiplier
	PlayPosition goTo;     ///< fast-forward to here first
	bool handleSignals = true; ///< SIGINT/SIGTERM/SIGHUP end playback
	bool fromMiddle = false;   ///< the first message may have any id (a cursor)
	base::Timestamp idleLimit{}; ///< longest pause played; zero keeps them all
	std::string search;    ///< the pattern for 'n'/'N' and listMatches
	/// Instead of playing: write "TIME<TAB>ROW TEXT" for every place the
	/// search pattern appears on the screen.
	bool listMatches = false;
	/// Instead of playing: write the text the screen shows at the end,
	/// after the lines that scrolled off it (--export=text).
	bool exportText = false;
	/// Recording time between two screen snapshots (seeking back).
	base::Timestamp snapshotEvery = std::chrono::seconds(5);
	/// Long work says where in the recording it is once it took this
	/// long: listMatches and exportText on a progress line of stderr when
	/// that is a terminal (base::showProgress()), a jump on the output
	/// terminal's last row until it lands.
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
};

/// Lowest and highest speed the '{' and '}' keys reach.
inline constexpr double kMinKeySpeed = 1.0 / 16;
inline constexpr double kMaxKeySpeed = 16.0;

/// How playback ended.
struct PlayResult {
	int signal = 0; ///< the signal that ended it, 0 for the end or 'q'
	std::size_t matches = 0; ///< places listed by listMatches
};

/// Plays one recording: reads messages from a Reader, keeps those of one
/// recording (the first seen or options.match; others are named at the
/// end, never interleaved), decodes them and writes their output to an fd
/// paced by their timestamps on a PlaybackClock. Recorded input is not
/// written there: it goes to options.inputFd and the status line.
///
/// When the fd is a terminal (the auditor's), the output goes through an
/// OutputFilter (unless options.rawOutput), and every way out of run()
/// (the end, q, a signal, an exception) writes what puts back the modes
/// the recording changed. A file or pipe gets the output as recorded.
///
/// Everything runs in one term::EventLoop: a timer for the next packet's
/// due time, the reader's waitFd() while following, a signalfd, and the
/// key terminal when there is one (put in raw mode for the duration of
/// run(); every exit path restores it), read through a term::KeyInput so
/// that the terminal's answers are never keys. With no key terminal
/// (stdin is a file or pipe) no keys are read and playback runs to the end.
///
/// When the output is a terminal (or for listMatches/exportText) the player
/// keeps a VirtualScreen of the recorded size: a jump is not printed but
/// painted once it lands, and every snapshotEvery of recording time the
/// screen is kept with the reader's mark(), so a jump back restores the
/// nearest snapshot and replays from there unseen. A reader without marks
/// (a pipe, ES) cannot go back; that is said, not faked. A jump that
/// takes longer than progressAfter says how far it got on the last row.
///
/// Malformed messages end playback with a base::FormatError naming the
/// message's location; with lax only id gaps are forgiven.
class Player
{
public:
	/// @p reader is borrowed for the player's life. @p outFd receives the
	/// output; @p keyFd is a terminal to read keys from, or -1.
	Player(source::Reader &reader, PlayerOptions options, int outFd, int keyFd);
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
	std::string resumePosition() const;

	/// Handles typed key bytes as the terminal would deliver them, one
	/// call a read (public for tests; run() feeds it from the key
	/// terminal): escape sequences are whole, across calls, and only the
	/// arrows among them are keys (see term::KeyInput). An ESC that ends
	/// @p keys is the Escape key once nothing follows it for a moment
	/// (while run() runs).
	/// Throws: as run().
	void onKeys(std::string_view keys);

	/// The current playback speed and pause state (for tests).
	double speed() const noexcept { return clock_.speed(); }
	bool paused() const noexcept { return clock_.paused(); }
	/// Recording time of the last output shown, snapshots held (tests).
	base::Timestamp shownTime() const noexcept { return shownTs_; }
	std::size_t snapshots() const noexcept { return snapshots_.size(); }

private:
	bool readOne();
	void pump();
	std::optional<base::Timestamp> nextDeadline() const;
	/// Writes @p packet's output (unless !show) and puts it on the screen.
	void emit(const codec::Packet &packet, bool show);
	void flushOutput();
	void setDry(bool dry);
	void jump(PlayPosition target);
	/// Goes to @p target in either direction (with a screen).
	void seekTo(base::Timestamp target);
	/// Restores the latest snapshot at or before @p target; false when
	/// the reader cannot go back.
	bool rewindTo(base::Timestamp target);
	void takeSnapshot();
	/// A silent run ended: show the screen, finish a search scan.
	void landed();
	void startSearch(std::string pattern, bool forward);
	void onSearchMatch(base::Timestamp ts, const std::string &row);
	bool onPromptKey(char c);
	void finishCatchUp(base::Timestamp now);
	/// Paused with a key terminal and a screen: the end does not end it.
	bool holdAtEnd() const noexcept;
	/// Where a live recording is now, by its last message's wall-clock
	/// "time": nullopt without one.
	std::optional<base::Timestamp> liveEdge() const;
	void onKeyFdReadable();
	/// Handles one key.
	void onKey(const term::Key &key, base::Timestamp now);
	/// Writes what puts the terminal's modes back, when it is one.
	void restoreTerminal();
	/// Appends a paint of the screen to the output; @p jumped: the
	/// recorded output goes on from elsewhere.
	void appendPaint(bool jumped);
	/// The status line's text, and the sequences that draw it (keeping
	/// in statusRestore_ what puts the row under it back).
	std::string statusText() const;
	std::string drawStatus();
	void refreshStatus();
	/// "H:MM:SS" read so far, "of H:MM:SS" when the length is known.
	std::string reachedText() const;
	void showProgress(base::Timestamp now);
	void noteJump(base::Timestamp now);
	void toggleStatus();
	void finish();

	source::Reader &reader_;
	PlayerOptions options_;
	int outFd_;
	int keyFd_;
	bool outIsTty_ = false;
	term::EventLoop loop_;
	codec::ChunkDecoder decoder_;
	PlaybackClock clock_;
	IdleLimit idle_; // shortens the packets' times (--idle-limit)

	std::optional<std::string> rec_;  // the recording being played
	std::string beforeQueued_;        // reader position before the queued message
	std::vector<std::string> others_; // other recordings seen, in order
	std::deque<codec::Packet> queue_; // decoded, not yet written
	std::string pending_;             // output gathered in one pump()
	bool started_ = false;            // the clock runs from the first message
	bool dry_ = false;                // read() came back empty
	int watchedFd_ = -1;              // the reader's waitFd() in the loop
	std::optional<base::Timestamp> retryAt_; // ask a pollable reader again then
	bool done_ = false;

	// Fast-forward: packets up to ffTarget_ (or all, to the end) are
	// written at once, even while paused.
	std::optional<base::Timestamp> ffTarget_;
	bool ffEnd_ = false;
	bool writeGoTo_ = false; // the command line's --goto: written, not painted
	int steps_ = 0;       // '.' presses waiting for a packet
	std::string typed_;   // digits typed before 'G'

	base::Timestamp lastTs_{};       // time of the last decoded packet
	std::uint64_t lastPos_ = 0;      // pos and time of the last message
	std::optional<double> lastTime_;
	std::optional<term::WindowSize> reportedRecorded_;
	int signal_ = 0;

	// The virtual terminal and what uses it.
	struct Snapshot {
		base::Timestamp ts;          // everything up to here is on it
		std::string mark;            // the reader's mark() then
		std::optional<std::uint64_t> lastId; // the decoder's; none: at the start
		IdleLimit idle;
		unsigned cols, rows;
		std::string paint;
	};
	std::unique_ptr<VirtualScreen> screen_;
	std::vector<Snapshot> snapshots_;
	std::size_t snapshotBytes_ = 0;
	base::Timestamp snapshotEvery_;
	bool canRewind_ = false;
	bool screenAhead_ = false;       // the screen shows what the terminal does not
	bool sawOutput_ = false, sawWindow_ = false; // to tell a pipe recording
	base::Timestamp shownTs_{};      // time of the last output packet emitted
	std::optional<ScreenSearch> search_;
	enum class Scan { None, Forward, Back } scan_ = Scan::None;
	base::Timestamp scanOrigin_{};
	std::optional<base::Timestamp> scanFound_;
	std::optional<std::string> prompt_; // a '/' pattern being typed
	std::size_t matches_ = 0;
	bool statusShown_ = false;
	std::string statusRestore_;        // the row under the status line, cursor, pen
	base::Timestamp statusDrawnAt_{};  // monotonic
	bool offline_ = false; // no screen to show: listMatches, exportText
	base::ProgressLine progress_;
	std::optional<base::Timestamp> jumpSince_;  // a jump under way since, monotonic
	base::Timestamp jumpNoteAt_{};              // when its note is written next
	bool jumpNoted_ = false;                    // the last row says "seeking"
	std::vector<std::uint64_t> gaps_;  // first id of each gap met
	std::vector<std::uint64_t> overlaps_; // id of each message out of order met (lax)
	std::optional<term::WindowSize> resizedFrom_; // the terminal's own size
	std::string pendingInput_;         // typed input for options.inputFd
	std::string lastKeys_;             // the last typed input, printable
	OutputFilter filter_;              // between the recording and a terminal
	term::KeyInput keyInput_;          // what the key terminal sends
	std::vector<term::Key> keys_;      // the keys of one read
	std::optional<base::Timestamp> escapeAt_; // a lone ESC is the Escape key then
};

} // namespace tlog::play
