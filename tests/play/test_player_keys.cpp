// SPDX-License-Identifier: GPL-2.0-or-later
// Keys typed on a terminal during playback: a pty's slave is the key
// terminal, the test types into its master.
#define BOOST_TEST_MODULE player_keys
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "play_util.hpp"
#include "support/files.hpp"
#include "support/skip.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/source/fd_reader.hpp"

using namespace std::chrono_literals;
using tlog::play::PlayerOptions;
using tlog::source::FdReader;

namespace {

struct KeyTerminal {
	tlog::base::UniqueFd master, slave;
	KeyTerminal()
	{
		int m = -1, s = -1;
		tlog::test::requireOrSkip(::openpty(&m, &s, nullptr, nullptr, nullptr) == 0,
					  "a pty (/dev/ptmx)");
		master.reset(m);
		slave.reset(s);
	}
	/// Types @p keys at @p at of the playback (the terminal is raw then).
	tlog::test::Step typeAt(std::chrono::milliseconds at, std::string keys)
	{
		return {at,
			[this, keys] { tlog::test::typeKeys(master.get(), slave.get(), keys); }};
	}
};

std::string delaysLog()
{
	return tlog::test::dataPath("play-ref-delays.log").string();
}
std::string delaysOut()
{
	return tlog::test::readFile(tlog::test::dataPath("play-ref-delays.out"));
}

} // namespace

BOOST_AUTO_TEST_CASE(q_quits_and_terminal_is_restored)
{
	KeyTerminal term;
	termios before{};
	BOOST_REQUIRE(::tcgetattr(term.slave.get(), &before) == 0);
	FdReader reader(delaysLog(), false);
	auto typist = term.typeAt(120ms, "q");
	auto run =
	    tlog::test::playCaptured(reader, PlayerOptions{}, term.slave.get(), -1, {typist});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.result.signal == 0);
	BOOST_TEST(run.out == "one\n"); // the rest comes after 301 ms
	BOOST_TEST(run.elapsed.count() < 290);
	termios after{};
	BOOST_REQUIRE(::tcgetattr(term.slave.get(), &after) == 0);
	BOOST_TEST(after.c_lflag == before.c_lflag);
	BOOST_TEST(after.c_iflag == before.c_iflag);
	BOOST_TEST(after.c_oflag == before.c_oflag);
}

BOOST_AUTO_TEST_CASE(persist_ignores_q)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.persist = true;
	auto typist = term.typeAt(120ms, "q");
	auto run = tlog::test::playCaptured(reader, options, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 795);
}

BOOST_AUTO_TEST_CASE(braces_change_the_speed)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	// Doubled three times (8x) at 100 ms: the remaining ~700 ms take ~90.
	auto typist = term.typeAt(100ms, "}}}");
	auto run =
	    tlog::test::playCaptured(reader, PlayerOptions{}, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 150);
	BOOST_TEST(run.elapsed.count() < 600);
}

BOOST_AUTO_TEST_CASE(speed_keys_are_bounded_and_reset)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	// Halved far below 1/16 (stays 1/16), then backspace back to 1x.
	auto typist = term.typeAt(100ms, std::string(10, '{') + "\x7f");
	auto run =
	    tlog::test::playCaptured(reader, PlayerOptions{}, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 795);
	BOOST_TEST(run.elapsed.count() < 3000);
}

BOOST_AUTO_TEST_CASE(dot_steps_while_paused)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.paused = true;
	auto typist = term.typeAt(100ms, ".");
	auto quitter = term.typeAt(300ms, "q");
	auto run =
	    tlog::test::playCaptured(reader, options, term.slave.get(), -1, {typist, quitter});
	BOOST_TEST(run.out == "one\n");
}

BOOST_AUTO_TEST_CASE(space_resumes)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.paused = true;
	auto typist = term.typeAt(200ms, " ");
	auto run = tlog::test::playCaptured(reader, options, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 995);
}

BOOST_AUTO_TEST_CASE(typed_time_then_G_jumps)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	// "0.6G": to 600 ms; '.' after digits belongs to the time.
	auto typist = term.typeAt(100ms, "0.6G");
	auto run =
	    tlog::test::playCaptured(reader, PlayerOptions{}, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 290);
	BOOST_TEST(run.elapsed.count() < 700);
}

BOOST_AUTO_TEST_CASE(G_alone_goes_to_the_end_even_paused)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.paused = true;
	auto typist = term.typeAt(100ms, "G");
	auto run = tlog::test::playCaptured(reader, options, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() < 600);
}

BOOST_AUTO_TEST_CASE(terminal_replies_are_not_keys)
{
	KeyTerminal term;
	FdReader reader(delaysLog(), false);
	// A cursor position report holds no 'q' that counts.
	auto typist = term.typeAt(100ms, "\x1b[12;1Rq");
	auto run =
	    tlog::test::playCaptured(reader, PlayerOptions{}, term.slave.get(), -1, {typist});
	BOOST_TEST(run.out == delaysOut());
}
