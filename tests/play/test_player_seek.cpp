// SPDX-License-Identifier: GPL-2.0-or-later
// Seeking both ways, search and the screen-based views: the player writes
// to a pty (so it keeps its virtual screen), keys come from another pty,
// and what the output terminal ends up showing is compared with the
// screen of a straight playback up to the same time.
#define BOOST_TEST_MODULE player_seek
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "play_util.hpp"
#include "support/files.hpp"
#include "support/skip.hpp"
#include "support/stderr_pty.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/play/player.hpp"
#include "tlog/play/snapshot_index.hpp"
#include "tlog/play/text_views.hpp"
#include "tlog/screen/virtual_screen.hpp"
#include "tlog/source/mem_reader.hpp"

using namespace std::chrono_literals;
using tlog::play::Player;
using tlog::play::PlayerOptions;
using tlog::screen::VirtualScreen;
using tlog::source::MemReader;

namespace {

constexpr int kLines = 600; // one every 100 ms: a minute of recording

// Line i of the recording, shown at i * 100 ms; two lines say MARK.
std::string lineText(int i)
{
	char buf[40];
	if (i == 200 || i == 400)
		std::snprintf(buf, sizeof(buf), "MARK at %04d\r\n", i);
	else
		std::snprintf(buf, sizeof(buf), "line %04d\r\n", i);
	return buf;
}

// Messages of one second (ten lines) each, 80x24.
std::vector<std::string> recording(int seconds = kLines / 10)
{
	std::vector<std::string> messages;
	for (int second = 0; second < seconds; second++) {
		std::string timing = second == 0 ? "=80x24" : "";
		std::string text;
		for (int k = 0; k < 10; k++) {
			int i = second * 10 + k;
			if (k > 0)
				timing += "+100";
			timing += ">" + std::to_string(lineText(i).size());
			text += lineText(i);
		}
		messages.push_back(tlog::test::message("r1", static_cast<std::uint64_t>(second + 1),
						       static_cast<std::uint64_t>(second * 1000),
						       timing, text));
	}
	return messages;
}

// The screen text after straight playback up to @p ms (inclusive).
std::string screenAt(int ms)
{
	VirtualScreen screen(80, 24);
	for (int i = 0; i < kLines && i * 100 <= ms; i++)
		screen.feed(lineText(i));
	return screen.text();
}

struct Pty {
	tlog::base::UniqueFd master, slave;
	explicit Pty(unsigned short rows = 24, unsigned short cols = 80)
	{
		int m = -1, s = -1;
		winsize size{rows, cols, 0, 0};
		tlog::test::requireOrSkip(::openpty(&m, &s, nullptr, nullptr, &size) == 0,
					  "a pty (/dev/ptmx)");
		master.reset(m);
		slave.reset(s);
		termios raw{};
		::tcgetattr(s, &raw);
		::cfmakeraw(&raw);
		::tcsetattr(s, TCSANOW, &raw);
	}
};

// Plays the recording paused at @p goTo, types @p keys (each after a
// pause), then 'q'; returns what the output terminal shows at the end.
struct SeekRun {
	std::string screen;
	std::string err;
	std::string error;
	std::string raw; ///< everything written to the terminal
};

// Everything the pty @p master has to read now. A poll of a pty master
// first moves what the slave wrote into it, so nothing written before the
// call is missed.
void drainNow(int master, std::string &into)
{
	char buf[65536];
	for (;;) {
		pollfd p{master, POLLIN, 0};
		if (::poll(&p, 1, 0) <= 0)
			return;
		auto n = ::read(master, buf, sizeof(buf));
		if (n <= 0)
			return;
		into.append(buf, static_cast<std::size_t>(n));
	}
}

SeekRun playWithKeys(std::chrono::milliseconds goTo, std::vector<std::string> keys,
		     const std::function<void(PlayerOptions &)> &tweak = {},
		     unsigned short rows = 24, unsigned short cols = 80,
		     std::vector<std::string> messages = recording(),
		     tlog::play::SnapshotIndex *index = nullptr,
		     const std::function<void(std::size_t)> &beforeKey = {})
{
	Pty out(rows, cols), keyboard;
	std::string shown;
	std::mutex lock;
	// Reads the output terminal while the player writes, so that it
	// never fills; polled in short turns to notice the stop.
	std::jthread drain([&](std::stop_token stop) {
		while (!stop.stop_requested()) {
			pollfd p{out.master.get(), POLLIN, 0};
			if (::poll(&p, 1, 50) <= 0)
				continue;
			std::lock_guard guard(lock);
			drainNow(out.master.get(), shown);
		}
	});
	keys.push_back("q");
	// A key every 400 ms of (virtual) playback time, each in the loop
	// once the one before was handled.
	std::vector<tlog::test::Step> steps;
	for (std::size_t i = 0; i < keys.size(); i++)
		steps.push_back({std::chrono::milliseconds(400 * (i + 1)), [&, i] {
					 if (beforeKey)
						 beforeKey(i);
					 tlog::test::typeKeys(keyboard.master.get(),
							      keyboard.slave.get(), keys[i]);
				 }});
	MemReader reader(std::move(messages));
	PlayerOptions options;
	options.paused = true;
	options.goTo.time = goTo;
	options.search = "MARK";
	if (tweak)
		tweak(options);
	auto played = tlog::test::playCaptured(reader, options, keyboard.slave.get(),
					       out.slave.get(), steps, index);
	drain.request_stop();
	drain.join();
	drainNow(out.master.get(), shown);
	SeekRun run;
	run.err = played.err;
	run.error = played.error;
	VirtualScreen screen(cols, rows);
	screen.feed(shown);
	run.screen = screen.text();
	run.raw = shown;
	return run;
}

// The recording with its lines in capitals ("LINE 0042"), of the same
// sizes and times: a SnapshotIndex made of it shows on the screen where the
// player restored the index's snapshot instead of replaying the way.
std::vector<std::string> capitals()
{
	auto messages = recording();
	for (auto &message : messages)
		for (auto at = message.find("line "); at != std::string::npos;
		     at = message.find("line ", at))
			message.replace(at, 4, "LINE");
	return messages;
}

// The screen of the capital recording up to @p indexedMs, then of the
// plain one up to @p ms.
std::string screenFromIndexAt(int indexedMs, int ms)
{
	VirtualScreen screen(80, 24);
	for (int i = 0; i < kLines && i * 100 <= ms; i++) {
		auto text = lineText(i);
		if (i * 100 <= indexedMs && text.rfind("line ", 0) == 0)
			text.replace(0, 4, "LINE");
		screen.feed(text);
	}
	return screen.text();
}

// A reader of @p messages that stops before message gateAt + 1 until
// open() (the index's reader, held back by the test).
class GateReader final : public tlog::source::Reader {
public:
	GateReader(std::vector<std::string> messages, std::size_t gateAt,
		   std::shared_future<void> opened)
	    : inner_(std::move(messages)), gateAt_(gateAt), opened_(std::move(opened))
	{
	}
	std::optional<tlog::source::RawMessage> read() override
	{
		if (inner_.consumed() == gateAt_)
			opened_.wait();
		return inner_.read();
	}
	bool finished() const noexcept override { return true; }
	std::optional<std::string> mark() const override { return inner_.mark(); }
	void rewind(const std::string &mark) override { inner_.rewind(mark); }

private:
	MemReader inner_;
	std::size_t gateAt_;
	std::shared_future<void> opened_;
};

// Until @p index stopped, and said so on its wake fd (not drained here:
// the player's watch still sees it).
void waitIndexEnded(const tlog::play::SnapshotIndex &index)
{
	for (;;) {
		pollfd p{index.wakeFd(), POLLIN, 0};
		bool woken = ::poll(&p, 1, 10) > 0;
		if (woken && !index.running())
			return;
	}
}

// An index of @p make's recording, made to the end.
std::unique_ptr<tlog::play::SnapshotIndex>
completeIndex(std::function<std::vector<std::string>()> make)
{
	auto index = std::make_unique<tlog::play::SnapshotIndex>(
	    [make] { return std::make_unique<MemReader>(make()); }, PlayerOptions{}.stream(), 5s,
	    std::nullopt);
	waitIndexEnded(*index);
	BOOST_TEST_REQUIRE(index->complete());
	return index;
}

// Line @p i of a recording that scrolls the screen many times over
// between two snapshots, in changing colours; @p word in capitals for
// the index's copy; ending in LF alone when recorded from a @p pipe. 66
// columns: wider than the 60 the recording ends in.
std::string denseLine(int i, const std::string &word, bool pipe)
{
	std::string line =
	    i % 3 == 0 ? "\x1b[3" + std::to_string(i % 7) + ";4" + std::to_string(i % 5) + "m" : "";
	char number[8];
	std::snprintf(number, sizeof(number), " %04d ", i % 10000);
	line += word + number + std::string(55, '-') + (i % 3 == 0 ? "\x1b[0m" : "");
	return line + (pipe ? "\n" : "\r\n");
}

// Its times: a message each second (repeating the window size, as
// recorders do, unless from a @p pipe), 30 lines a second up to second 43,
// which turns the window to 60x20; from there on, a line a second: the
// lines before the resize still show at the snapshot of 46 s, the first
// after it.
constexpr int kDenseSeconds = 60, kDenseStepMs = 33, kDenseResizedAt = 43;

int denseLinesIn(int second)
{
	return second < kDenseResizedAt ? 30 : 1;
}

std::vector<std::string> denseRecording(const std::string &word, bool pipe)
{
	std::vector<std::string> messages;
	for (int second = 0, i = 0; second < kDenseSeconds; second++) {
		std::string timing = pipe ? "" : second < kDenseResizedAt ? "=80x24" : "=60x20";
		std::string text;
		for (int k = 0; k < denseLinesIn(second); k++) {
			auto line = denseLine(i++, word, pipe);
			timing += (k > 0 ? "+" + std::to_string(kDenseStepMs) : "") + ">" +
				  std::to_string(line.size());
			text += line;
		}
		messages.push_back(tlog::test::message("r1", static_cast<std::uint64_t>(second + 1),
						       static_cast<std::uint64_t>(second * 1000),
						       timing, text));
	}
	return messages;
}

// The screen of the index's copy (capitals) up to @p indexedMs, then of
// the recording up to @p ms.
std::string denseScreenAt(int indexedMs, int ms, bool pipe)
{
	VirtualScreen screen(80, 24);
	screen.setNewlineMode(pipe);
	for (int second = 0, i = 0; second < kDenseSeconds; second++) {
		if (second == kDenseResizedAt && !pipe && second * 1000 <= ms)
			screen.resize(60, 20);
		for (int k = 0; k < denseLinesIn(second); k++, i++) {
			int at = second * 1000 + k * kDenseStepMs;
			if (at <= ms)
				screen.feed(
				    denseLine(i, at <= indexedMs ? "DENSE" : "dense", pipe));
		}
	}
	return screen.text();
}

} // namespace

BOOST_AUTO_TEST_SUITE(seek)

BOOST_AUTO_TEST_CASE(the_index_passes_over_lines_that_scroll_off_unseen)
{
	// 150 lines between two snapshots: the index feeds its screen a
	// snapshot's worth at a time, passing over what scrolls off (see
	// VirtualScreen::passOverScrolledOff()), but a new window size comes
	// between. Its snapshot of 46 s (the end of the message of second 46)
	// shows what a replay shows: capitals above the lines the player
	// replayed itself. Recorded from a pipe (newline mode) too.
	for (bool pipe : {false, true}) {
		auto index = completeIndex([pipe] { return denseRecording("DENSE", pipe); });
		auto run = playWithKeys(10s, {"47.05G"}, {}, 24, 80, denseRecording("dense", pipe),
					index.get());
		BOOST_TEST(run.error == "");
		BOOST_TEST(run.screen == denseScreenAt(46000, 47050, pipe), "pipe " << pipe);
		BOOST_TEST(run.screen.find("DENSE") != std::string::npos);
		BOOST_TEST(run.screen.find("dense") != std::string::npos);
	}
}

BOOST_AUTO_TEST_CASE(a_seek_ahead_starts_from_the_index_snapshot)
{
	// The index keeps a screen every 5 s at message ends (0.9, 5.9, ...,
	// 45.9 s): from 10 s to 47 s the player restores the one of 45.9 s and
	// replays the last second itself, so capitals up to line 459.
	auto index = completeIndex(capitals);
	BOOST_TEST(index->size() > 9u);
	auto run = playWithKeys(10s, {"47G"}, {}, 24, 80, recording(), index.get());
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.screen == screenFromIndexAt(45900, 47000));
	BOOST_TEST(run.screen != screenAt(47000)); // the test tells them apart
	// An index of the same recording: the very screen of a replay.
	auto same = completeIndex([] { return recording(); });
	BOOST_TEST(playWithKeys(10s, {"47G"}, {}, 24, 80, recording(), same.get()).screen ==
		   screenAt(47000));
	// Back and forth again, and to the end (G), from its snapshots too.
	BOOST_TEST(playWithKeys(10s, {"47G", "12.5G", "33G"}, {}, 24, 80, recording(), same.get())
		       .screen == screenAt(33000));
	BOOST_TEST(playWithKeys(10s, {"G"}, {}, 24, 80, recording(), same.get()).screen ==
		   screenAt(kLines * 100));
}

BOOST_AUTO_TEST_CASE(a_seek_waits_for_the_index_ahead_of_it)
{
	// The index stops after message 30 (29.9 s); the player, at 10 s, is
	// sent to 47 s: the index is ahead, so the player waits for it
	// rather than replaying the same way. Once let go, the index gets
	// there: the screen is the index's (capitals) up to its 45.9 s
	// snapshot. A player that replayed by itself would show no capitals.
	std::promise<void> open;
	std::shared_future<void> opened = open.get_future().share();
	tlog::play::SnapshotIndex index(
	    [opened] { return std::make_unique<GateReader>(capitals(), 30, opened); },
	    PlayerOptions{}.stream(), 5s, std::nullopt);
	while (index.reached() < 29900ms) {
		pollfd p{index.wakeFd(), POLLIN, 0};
		::poll(&p, 1, 10);
	}
	bool released = false;
	auto run =
	    playWithKeys(10s, {"47G", ""}, {}, 24, 80, recording(), &index, [&](std::size_t key) {
		    if (key != 1)
			    return;
		    open.set_value();
		    released = true;
		    waitIndexEnded(index);
	    });
	if (!released)
		open.set_value(); // the index's thread ends at the destructor
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.screen == screenFromIndexAt(45900, 47000));
}

BOOST_AUTO_TEST_CASE(goto_paints_the_screen_of_that_moment)
{
	auto run = playWithKeys(30s, {});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.screen == screenAt(30000));
}

BOOST_AUTO_TEST_CASE(arrows_seek_back_and_forward)
{
	// Left: 5 s back.
	BOOST_TEST(playWithKeys(30s, {"\x1b[D"}).screen == screenAt(25000));
	// Up: 60 s back, to the start.
	BOOST_TEST(playWithKeys(30s, {"\x1b[A"}).screen == screenAt(0));
	// Back twice, then forward (application cursor keys, ESC O).
	BOOST_TEST(playWithKeys(30s, {"\x1b[D", "\x1b[D", "\x1bOC"}).screen == screenAt(25000));
	// Down: 60 s on, past the end: the last screen.
	BOOST_TEST(playWithKeys(10s, {"\x1b[B"}).screen == screenAt(kLines * 100));
}

BOOST_AUTO_TEST_CASE(a_long_jump_says_how_far_it_got)
{
	// From 1 s to the end takes two rounds of the player's loop (590
	// packets, 512 a round): with progressAfter 0 the last row says how
	// far the jump got in between; the landing paints over it.
	auto run = playWithKeys(1s, {"G"}, [](PlayerOptions &o) { o.progressAfter = {}; });
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.raw.find("\x1b[24;1H\x1b[0;7m\x1b[2K seeking: at 0:00:") !=
		   std::string::npos);
	BOOST_TEST(run.screen == screenAt(kLines * 100));
	// Not before progressAfter (a second by default).
	BOOST_TEST(playWithKeys(1s, {"G"}).raw.find("seeking") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(g_goes_to_the_start_and_comma_steps_back)
{
	BOOST_TEST(playWithKeys(30s, {"g", "\x1b[C"}).screen == screenAt(5000));
	// One output event back from 30 s: the line of 29.9 s is the last.
	BOOST_TEST(playWithKeys(30s, {","}).screen == screenAt(29900));
	BOOST_TEST(playWithKeys(30s, {",", ","}).screen == screenAt(29800));
	// A typed time then G goes back too.
	BOOST_TEST(playWithKeys(30s, {"12.5G"}).screen == screenAt(12500));
}

BOOST_AUTO_TEST_CASE(search_jumps_to_the_next_and_previous_match)
{
	// Typed after '/': the next place MARK appears (40 s).
	auto run = playWithKeys(30s, {"/MA", "RK\r"});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.screen == screenAt(40000));
	// From there 'N' goes back to the earlier one (20 s), 'n' forward.
	BOOST_TEST(playWithKeys(45s, {"N"}).screen == screenAt(40000));
	BOOST_TEST(playWithKeys(45s, {"N", "N"}).screen == screenAt(20000));
	BOOST_TEST(playWithKeys(5s, {"n", "n"}).screen == screenAt(40000));
	// No later match: said, and back where the search started.
	auto none = playWithKeys(45s, {"n"});
	BOOST_TEST(none.screen == screenAt(45000));
	BOOST_TEST(none.err.find("no later match for \"MARK\"") != std::string::npos, none.err);
}

BOOST_AUTO_TEST_CASE(list_matches_prints_times_without_playing)
{
	MemReader reader(recording());
	PlayerOptions options;
	options.search = "MARK";
	auto run = tlog::test::listCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.result.matches == 2u);
	BOOST_TEST(run.out == "0:00:20.000\tMARK at 0200\n0:00:40.000\tMARK at 0400\n");
	// Quickly: nothing is played in real time.
	BOOST_TEST(run.elapsed.count() < 5000);
}

BOOST_AUTO_TEST_CASE(list_matches_shows_progress_on_a_terminal)
{
	// Long work (here at once) says where it is on stderr when that is a
	// terminal, and takes the line away before each match and at the end;
	// what goes to stdout is the same as without.
	MemReader reader(recording());
	PlayerOptions options;
	options.search = "MARK";
	options.progressAfter = {};
	tlog::test::TempDir dir;
	std::string err;
	{
		tlog::base::UniqueFd out(::open((dir / "out").c_str(), O_WRONLY | O_CREAT, 0600));
		BOOST_REQUIRE(out);
		tlog::test::StderrOnPty pty;
		BOOST_TEST(tlog::play::listMatches(reader, options, out.get()).matches == 2u);
		err = pty.take();
	}
	BOOST_TEST(tlog::test::readFile(dir / "out") ==
		   "0:00:20.000\tMARK at 0200\n0:00:40.000\tMARK at 0400\n");
	BOOST_TEST(err.find("reading the recording: at 0:00:") != std::string::npos, err);
	BOOST_TEST(err.size() >= 4u);
	BOOST_TEST(err.substr(err.size() - 4) == "\r\x1b[K", err);
}

BOOST_AUTO_TEST_CASE(export_text_writes_scrollback_and_screen)
{
	MemReader reader(recording());
	PlayerOptions options;
	auto run = tlog::test::exportCaptured(reader, options);
	BOOST_TEST(run.error == "");
	std::string want;
	for (int i = 0; i < kLines; i++) {
		std::string line = lineText(i);
		want += line.substr(0, line.size() - 2) + "\n";
	}
	BOOST_TEST(run.out == want);
}

BOOST_AUTO_TEST_CASE(snapshots_stay_bounded)
{
	// Snapshots are taken between messages: one a second here, 1500 in
	// all, but never more than 1024 are kept (every other one goes and
	// the interval doubles).
	Pty out;
	std::jthread drain([&](std::stop_token stop) {
		char buf[65536];
		while (!stop.stop_requested()) {
			pollfd p{out.master.get(), POLLIN, 0};
			if (::poll(&p, 1, 50) > 0 &&
			    ::read(out.master.get(), buf, sizeof(buf)) <= 0)
				break;
		}
	});
	MemReader reader(recording(1500));
	PlayerOptions options;
	options.goTo.end = true;
	options.snapshotEvery = 100ms;
	Player player(reader, options, out.slave.get(), -1);
	player.run();
	BOOST_TEST(player.snapshots() >= 500u);
	BOOST_TEST(player.snapshots() <= 1024u);
	drain.request_stop();
}

namespace {

// A shell, then a full-screen program on the alternate screen (4-9 s),
// then the shell again, with a scroll region keeping row 24 from 12 s on.
std::string fullScreenText(int second)
{
	if (second == 0)
		return "start\r\n";
	if (second < 4)
		return "shell line " + std::to_string(second) + "\r\n";
	if (second == 4)
		return "\x1b[?1049h\x1b[H\x1b[2JFULL-SCREEN APP\r\n";
	if (second < 10)
		return "app row " + std::to_string(second) + "\r\n";
	if (second == 10)
		return "\x1b[?1049lback at the shell\r\n";
	if (second == 12)
		return "\x1b[24;1HSTATUS\x1b[1;23r\x1b[23;1H";
	return "after " + std::to_string(second) + "\r\n";
}

std::vector<std::string> fullScreenRecording()
{
	std::vector<std::string> messages;
	for (int second = 0; second < 40; second++) {
		auto text = fullScreenText(second);
		std::string timing = (second == 0 ? "=80x24>" : ">") + std::to_string(text.size());
		messages.push_back(tlog::test::message("r1", static_cast<std::uint64_t>(second + 1),
						       static_cast<std::uint64_t>(second * 1000),
						       timing, text));
	}
	return messages;
}

std::string fullScreenAt(int second)
{
	VirtualScreen screen(80, 24);
	for (int s = 0; s <= second; s++)
		screen.feed(fullScreenText(s));
	return screen.text();
}

} // namespace

BOOST_AUTO_TEST_CASE(seeking_back_keeps_the_alternate_screen_and_scroll_region)
{
	// Snapshots every 3 s (0, 3, 6, 9, 12, ... here): 9 s is inside the
	// full-screen program and 12 s has the region set, so going to 10 s
	// and to 14 s restores them and replays past them, which shows
	// whether they carried the normal screen and the region.
	auto often = [](PlayerOptions &o) { o.snapshotEvery = 3s; };
	auto back = [&](std::chrono::milliseconds from, std::vector<std::string> keys) {
		return playWithKeys(from, std::move(keys), often, 24, 80, fullScreenRecording())
		    .screen;
	};
	// Into the program, out of it, and across the region.
	BOOST_TEST(back(20s, {"8G"}) == fullScreenAt(8));
	BOOST_TEST(back(15s, {"\x1b[D"}) == fullScreenAt(10));
	BOOST_TEST(back(39s, {"14G"}) == fullScreenAt(14));
	BOOST_TEST(fullScreenAt(8) != fullScreenAt(10));
	// After the restore, later output lands as it did: the status row
	// stays, the region scrolls.
	BOOST_TEST(back(39s, {"14G", "\x1b[C", "\x1b[C"}) == fullScreenAt(24));
	BOOST_TEST(fullScreenAt(24).find("STATUS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_line_on_the_last_row)
{
	auto status = [](PlayerOptions &o) { o.status = true; };
	auto run = playWithKeys(30s, {}, status);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.raw.find("\x1b[24;1H\x1b[0;7m\x1b[2K 0:00:30  1x  paused  /MARK") !=
		   std::string::npos);
	// Gone at the end, the recording's last row put back.
	BOOST_TEST(run.screen == screenAt(30000));
	// 's' hides it; the screen is the recording's.
	BOOST_TEST(playWithKeys(30s, {"s"}, status).screen == screenAt(30000));
	// Shown while the recording scrolls (playing from 50 s to the end,
	// fast): no copy of it is left behind in the scrolled text.
	auto playing = playWithKeys(50s, {}, [](PlayerOptions &o) {
		o.status = true;
		o.paused = false;
		o.speed = 200;
		// It ends by itself: the harness's 'q' must not cut it short
		// on a slow machine.
		o.persist = true;
	});
	BOOST_TEST(playing.raw.find("\x1b[0;7m") != std::string::npos);
	BOOST_TEST(playing.screen == screenAt(kLines * 100));
}

BOOST_AUTO_TEST_CASE(status_line_in_plain_modes_whatever_the_recording_set)
{
	// The recording shifts line drawing in (letters become lines) and
	// turns insert mode on; then, while the status line shows, it draws
	// more: the status line must read as text, and the recording's
	// modes must be back for its own output.
	std::string setup = "\x1b(0\x1b[4hlqqk\r\n";
	std::string more = "x\r\n";
	std::vector<std::string> messages{
	    tlog::test::message("r1", 1, 0, "=80x24>" + std::to_string(setup.size()), setup),
	    tlog::test::message("r1", 2, 30200, ">" + std::to_string(more.size()), more)};
	auto run = playWithKeys(
	    30s, {},
	    [](PlayerOptions &o) {
		    o.status = true;
		    o.paused = false;
	    },
	    24, 80, messages);
	BOOST_TEST(run.error == "");
	auto drawn = run.raw.find("(s hides this)");
	BOOST_REQUIRE(drawn != std::string::npos);
	VirtualScreen shown(80, 24);
	shown.feed(run.raw.substr(0, drawn + 14));
	BOOST_TEST(shown.rowText(23).find("(s hides this)") != std::string::npos,
		   shown.rowText(23));
	// At the end (the status line gone): the recording's lines, drawn
	// as lines both before and after the status line came.
	BOOST_TEST(run.screen == "\u250c\u2500\u2500\u2510\n\u2502\n");
}

BOOST_AUTO_TEST_CASE(resize_asks_for_the_recorded_size_and_back)
{
	auto resize = [](PlayerOptions &o) { o.resize = true; };
	auto run = playWithKeys(1s, {}, resize, 30, 100);
	BOOST_TEST(run.error == "");
	auto asked = run.raw.find("\x1b[8;24;80t");
	auto back = run.raw.find("\x1b[8;30;100t");
	BOOST_TEST(asked != std::string::npos);
	BOOST_TEST((back != std::string::npos && back > asked));
	// No size warning with it.
	BOOST_TEST(run.err.find("this terminal is") == std::string::npos, run.err);
	// One more row for the status line.
	auto withStatus = playWithKeys(
	    1s, {}, [](PlayerOptions &o) { o.resize = o.status = true; }, 30, 100);
	BOOST_TEST(withStatus.raw.find("\x1b[8;25;80t") != std::string::npos);
	// A terminal of the recorded size is left alone.
	auto same = playWithKeys(1s, {}, resize).raw;
	BOOST_TEST(!std::regex_search(same, std::regex("\x1b\\[8;[0-9]+;[0-9]+t")));
}

BOOST_AUTO_TEST_SUITE_END()
