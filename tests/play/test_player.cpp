// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE player
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "play_util.hpp"
#include "support/files.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/source/fd_reader.hpp"
#include "tlog/source/mem_reader.hpp"
#include "tlog/term/window.hpp"

using namespace std::chrono_literals;
using tlog::play::PlayerOptions;
using tlog::play::PlayPosition;
using tlog::play::Selection;
using tlog::source::FdReader;
using tlog::source::MemReader;
using tlog::test::message;
using tlog::test::playCaptured;

namespace {

// The reference recording with delays: 0, 301, 603 and 804 ms.
std::string delaysLog()
{
	return tlog::test::dataPath("play-ref-delays.log").string();
}
std::string delaysOut()
{
	return tlog::test::readFile(tlog::test::dataPath("play-ref-delays.out"));
}

std::size_t count(const std::string &text, const std::string &what)
{
	std::size_t n = 0;
	for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
		n++;
	return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(reference_recording_bytes_and_pace)
{
	FdReader reader(delaysLog(), false);
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.err == "");
	BOOST_TEST(run.result.signal == 0);
	// 804 ms of recording, played in real time.
	BOOST_TEST(run.elapsed.count() >= 795);
	BOOST_TEST(run.elapsed.count() < 3000);
}

BOOST_AUTO_TEST_CASE(speed_scales_the_delays)
{
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.speed = 4;
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 195); // 804 / 4
	BOOST_TEST(run.elapsed.count() < 700);
}

BOOST_AUTO_TEST_CASE(goto_time_fast_forwards)
{
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.goTo = PlayPosition{false, 600ms};
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() >= 200); // 804 - 600 ms are played in time
	BOOST_TEST(run.elapsed.count() < 650);
}

BOOST_AUTO_TEST_CASE(goto_end_plays_without_delay)
{
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.goTo = PlayPosition{true, {}};
	options.paused = true; // fast-forward ignores the pause
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.elapsed.count() < 400);
}

BOOST_AUTO_TEST_CASE(input_is_not_written)
{
	MemReader reader({message("r", 1, 0, "<3>5+10<1>1", "hello!", "abcd")});
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "hello!");
}

BOOST_AUTO_TEST_CASE(input_goes_to_its_own_stream)
{
	// Typed input in a second stream, in the order it was typed, the
	// output unchanged.
	int fds[2];
	BOOST_REQUIRE(::pipe(fds) == 0);
	MemReader reader({message("r", 1, 0, "<3>5+10<1>1", "hello!", "abcd"),
			  message("r", 2, 20, "<2", "", "\r\n")});
	PlayerOptions options;
	options.inputFd = fds[1];
	auto run = playCaptured(reader, options);
	::close(fds[1]);
	char buf[64];
	auto n = ::read(fds[0], buf, sizeof(buf));
	::close(fds[0]);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "hello!");
	BOOST_REQUIRE(n > 0);
	BOOST_TEST(std::string(buf, static_cast<std::size_t>(n)) == "abcd\r\n");
}

BOOST_AUTO_TEST_CASE(first_recording_is_played_others_named)
{
	MemReader reader({
	    message("A", 1, 0, ">2", "a1"),
	    message("B", 1, 0, ">2", "b1"),
	    message("A", 2, 10, ">2", "a2"),
	    message("C", 1, 0, ">2", "c1"),
	    message("B", 2, 10, ">2", "b2"),
	});
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "a1a2");
	BOOST_TEST(count(run.err, "\n") == 1u);
	BOOST_TEST(run.err.find("also in mem: B, C (choose with -m)") != std::string::npos,
		   run.err);
}

BOOST_AUTO_TEST_CASE(match_picks_a_recording)
{
	MemReader reader({
	    message("A", 1, 0, ">2", "a1"),
	    message("B", 1, 0, ">2", "b1"),
	    message("A", 2, 10, ">2", "a2"),
	    message("B", 2, 10, ">2", "b2"),
	});
	PlayerOptions options;
	options.match = "B";
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "b1b2");
	BOOST_TEST(run.err.find("also in mem: A") != std::string::npos, run.err);
	BOOST_TEST(run.err.find("choose") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(reference_recordings_interleaved)
{
	// Two copies of the reference recording under other ids, line by line.
	auto lines = tlog::test::readLines(delaysLog());
	std::vector<std::string> mixed;
	for (auto &line : lines) {
		for (auto id : {"first", "second"}) {
			auto copy = line;
			auto at = copy.find("\"rec\":\"") + 7;
			copy.replace(at, copy.find('"', at) - at, id);
			mixed.push_back(copy);
		}
	}
	MemReader reader(mixed);
	PlayerOptions options;
	options.match = "second";
	options.goTo = PlayPosition{true, {}};
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == delaysOut());
	BOOST_TEST(run.err.find("also in mem: first") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(match_not_found)
{
	MemReader reader({message("A", 1, 0, ">2", "a1")});
	PlayerOptions options;
	options.match = "Z";
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.out == "");
	BOOST_TEST(run.error.find("mem: no recording Z (found: A)") == 0, run.error);
}

namespace {

// message() of user "u", host "h", session 1, with those replaced.
std::string messageOf(std::string_view user, std::string_view host, std::uint32_t session,
		      std::string_view rec, std::uint64_t id, std::string_view out)
{
	auto m = message(rec, id, 0, ">" + std::to_string(out.size()), out);
	auto put = [&m](const std::string &from, const std::string &to) {
		m.replace(m.find(from), from.size(), to);
	};
	put(R"("user":"u")", R"("user":")" + std::string(user) + "\"");
	put(R"("host":"h")", R"("host":")" + std::string(host) + "\"");
	put(R"("session":1,)", R"("session":)" + std::to_string(session) + ",");
	return m;
}

} // namespace

BOOST_AUTO_TEST_CASE(user_host_and_session_select_in_a_file)
{
	// A file has no index: --user, --host and --session are checked on
	// each message, and what they leave out is not even named.
	std::vector<std::string> lines = {
	    messageOf("alice", "web1", 3, "A", 1, "a1"),
	    messageOf("bob", "web1", 4, "B", 1, "b1"),
	    messageOf("bob", "web2", 5, "C", 1, "c1"),
	};
	struct Case {
		Selection select;
		std::string out;
		std::string err; // others that match, named
	};
	const Case cases[] = {
	    {Selection{"bob", "", std::nullopt}, "b1", "tlog: also in mem: C (choose with -m)\n"},
	    {Selection{"", "web2", std::nullopt}, "c1", ""},
	    {Selection{"", "", 3u}, "a1", ""},
	    {Selection{"bob", "web2", 5u}, "c1", ""},
	};
	for (const auto &c : cases) {
		MemReader reader(lines);
		PlayerOptions options;
		options.select = c.select;
		auto run = playCaptured(reader, options);
		BOOST_TEST(run.error == "");
		BOOST_TEST(run.out == c.out, c.select.describe());
		BOOST_TEST(run.err == c.err, c.select.describe());
	}
	MemReader reader(lines);
	PlayerOptions options;
	options.select = Selection{"carol", "", 3u};
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.out == "");
	BOOST_TEST(run.error == "mem: no recording matches --user=carol --session=3", run.error);
}

BOOST_AUTO_TEST_CASE(gap_stops_without_lax)
{
	MemReader reader({
	    message("A", 1, 0, ">2", "a1"),
	    message("A", 3, 10, ">2", "a3"),
	});
	auto run = playCaptured(reader, PlayerOptions{});
	// What came before the gap was played.
	BOOST_TEST(run.out == "a1");
	BOOST_TEST(run.error.find("mem:2: ") == 0, run.error);
	BOOST_TEST(run.error.find("message 2 is missing") != std::string::npos, run.error);
}

BOOST_AUTO_TEST_CASE(gap_is_reported_with_lax)
{
	MemReader reader({
	    message("A", 1, 0, ">2", "a1"),
	    message("A", 3, 10, ">2", "a3"),
	    message("A", 7, 20, ">2", "a7"),
	});
	PlayerOptions options;
	options.lax = true;
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "a1a3a7");
	BOOST_TEST(count(run.err, "\n") == 2u, run.err);
	BOOST_TEST(run.err.find("mem:2: message 2 missing\n") != std::string::npos, run.err);
	BOOST_TEST(run.err.find("mem:3: messages 4-6 missing\n") != std::string::npos, run.err);
}

BOOST_AUTO_TEST_CASE(malformed_message_names_file_and_line)
{
	tlog::test::TempDir dir;
	auto path = (dir / "bad.log").string();
	tlog::test::writeFile(path, message("A", 1, 0, ">2", "a1") + "\n\n{\"ver\":\"2.3\",\n");
	FdReader reader(path, false);
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.out == "a1");
	BOOST_TEST(run.error.find(path + ":3: ") == 0, run.error);

	// A bad field is named too.
	auto line = message("A", 1, 0, ">2", "a1");
	line.replace(line.find("\"id\":1"), 6, "\"id\":\"one\"");
	tlog::test::writeFile(path, line + "\n");
	FdReader reader2(path, false);
	run = playCaptured(reader2, PlayerOptions{});
	BOOST_TEST(run.error.find(path + ":1: field 'id'") == 0, run.error);
}

BOOST_AUTO_TEST_CASE(timing_that_overruns_text_is_an_error)
{
	MemReader reader({message("A", 1, 0, ">5", "ab")});
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.out == "");
	BOOST_TEST(run.error.find("mem:1: field 'timing'") == 0, run.error);
}

BOOST_AUTO_TEST_CASE(empty_recording_ends_at_once)
{
	MemReader reader({});
	auto run = playCaptured(reader, PlayerOptions{});
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "");
	BOOST_TEST(run.elapsed.count() < 500);
}

BOOST_AUTO_TEST_CASE(follow_plays_what_is_appended)
{
	tlog::test::TempDir dir;
	auto path = dir / "live.log";
	tlog::test::writeFile(path, message("A", 1, 0, ">2", "a1") + "\n");
	FdReader reader(path.string(), true);
	PlayerOptions options;
	options.follow = true;
	// Half a line first: it waits for its newline.
	auto line = message("A", 2, 20, ">2", "a2") + "\n";
	auto half = line.size() / 2;
	auto append = [&](std::size_t from, std::size_t to) {
		return [&, from, to] {
			tlog::base::UniqueFd fd(
			    ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
			tlog::base::writeAll(fd.get(),
					     std::string_view(line).substr(from, to - from));
		};
	};
	std::vector<tlog::test::Step> steps{
	    {150ms, append(0, half)},
	    {250ms, append(half, line.size())},
	    {550ms, [] { ::raise(SIGTERM); }},
	};
	auto run = playCaptured(reader, options, -1, -1, steps);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "a1a2");
	BOOST_TEST(run.result.signal == SIGTERM);
	BOOST_TEST(run.elapsed.count() >= 500);
}

BOOST_AUTO_TEST_CASE(signal_ends_paused_playback)
{
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.paused = true;
	auto run = playCaptured(reader, options, -1, -1, {{100ms, [] { ::raise(SIGHUP); }}});
	BOOST_TEST(run.result.signal == SIGHUP);
	BOOST_TEST(run.out == "");
	BOOST_TEST(run.elapsed.count() < 2000);
}

BOOST_AUTO_TEST_CASE(persist_ignores_keyboard_signals)
{
	FdReader reader(delaysLog(), false);
	PlayerOptions options;
	options.persist = true;
	options.speed = 2;
	auto run = playCaptured(reader, options, -1, -1, {{100ms, [] { ::raise(SIGINT); }}});
	BOOST_TEST(run.result.signal == 0);
	BOOST_TEST(run.out == delaysOut());
	// The disposition is back: SIGINT is not ignored after run().
	struct sigaction now {};
	::sigaction(SIGINT, nullptr, &now);
	BOOST_TEST((now.sa_handler != SIG_IGN));
}

BOOST_AUTO_TEST_CASE(window_size_difference_is_reported_once_per_change)
{
	int master = -1, slave = -1;
	winsize size{24, 80, 0, 0};
	BOOST_REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &size) == 0);
	tlog::base::UniqueFd masterFd(master), slaveFd(slave);
	MemReader reader({
	    message("A", 1, 0, "=100x40>2", "a1"),
	    message("A", 2, 10, "=100x40>2", "a2"),
	    message("A", 3, 20, "=80x24>2", "a3"),
	    message("A", 4, 30, "=100x40>2=120x50>2", "a4b4"),
	});
	auto run = playCaptured(reader, PlayerOptions{}, -1, slave);
	BOOST_TEST(run.error == "");
	const std::string hint = " (--resize asks the terminal for the recorded size)\n";
	BOOST_TEST(count(run.err, "recorded at 100x40, this terminal is 80x24" + hint) == 2u,
		   run.err);
	BOOST_TEST(count(run.err, "recorded at 120x50, this terminal is 80x24" + hint) == 1u,
		   run.err);
	BOOST_TEST(count(run.err, "\n") == 3u, run.err);
	char buf[64];
	auto n = ::read(master, buf, sizeof(buf));
	BOOST_TEST(n > 0);
}
