// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE term
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "support/skip.hpp"
#include "support/virtual_clock.hpp"
#include "tlog/base/clock.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/term/child.hpp"
#include "tlog/term/event_loop.hpp"
#include "tlog/term/signal_set.hpp"
#include "tlog/term/termios_guard.hpp"
#include "tlog/term/window.hpp"

using namespace std::chrono_literals;
using tlog::base::monotonicNow;
using tlog::base::UniqueFd;
using namespace tlog::term;
using tlog::test::VirtualClock;

namespace {

bool havePty()
{
	return ::access("/dev/ptmx", R_OK | W_OK) == 0;
}

std::pair<UniqueFd, UniqueFd> makePipe()
{
	int fds[2];
	BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
	return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Everything readable from @p fd until EOF (EIO on a pty master).
std::string readAll(int fd)
{
	std::string out;
	char buf[4096];
	for (;;) {
		auto n = tlog::base::readSome(fd, buf, sizeof(buf));
		if (n <= 0)
			return out;
		out.append(buf, static_cast<std::size_t>(n));
	}
}

int waitStatus(pid_t pid)
{
	int status = 0;
	BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
	return status;
}

} // namespace

BOOST_AUTO_TEST_SUITE(event_loop)

BOOST_AUTO_TEST_CASE(timer_fires_after_its_deadline)
{
	VirtualClock clock;
	EventLoop loop(clock);
	auto start = clock.monotonic();
	std::optional<tlog::base::Timestamp> deadline = start + 30ms;
	int fired = 0;
	Timer timer(
	    loop, [&] { return deadline; },
	    [&] {
		    fired++;
		    deadline.reset(); // idle from now on
		    loop.stop();
	    });
	loop.run();
	BOOST_TEST(fired == 1);
	BOOST_TEST((clock.elapsed() == 30ms));
}

BOOST_AUTO_TEST_CASE(the_system_clock_waits_for_the_deadline)
{
	EventLoop loop;
	auto start = monotonicNow();
	Timer timer(loop, [&] { loop.stop(); });
	timer.schedule(start + 30ms);
	loop.run();
	BOOST_TEST(!timer.scheduled()); // one-shot
	BOOST_TEST((monotonicNow() - start >= 30ms));
}

BOOST_AUTO_TEST_CASE(earliest_of_several_timers)
{
	VirtualClock clock;
	EventLoop loop(clock);
	auto start = clock.monotonic();
	std::vector<int> order;
	std::optional<tlog::base::Timestamp> a = start + 40ms, b = start + 10ms;
	Timer first(
	    loop, [&] { return a; },
	    [&] {
		    order.push_back(1);
		    a.reset();
	    });
	Timer second(
	    loop, [&] { return b; },
	    [&] {
		    order.push_back(2);
		    b.reset();
	    });
	while (a || b)
		loop.runOnce();
	BOOST_TEST(order == (std::vector<int>{2, 1}), boost::test_tools::per_element());
	BOOST_TEST((clock.elapsed() == 40ms));
}

namespace {

// Runs @p loop until a timer @p wait from now fires; returns how many
// rounds (runOnce() calls) that took.
int runFor(EventLoop &loop, tlog::base::Timestamp wait)
{
	bool done = false;
	Timer timer(loop, [&done] { done = true; });
	timer.schedule(loop.clock().monotonic() + wait);
	int rounds = 0;
	while (!done) {
		loop.runOnce();
		rounds++;
	}
	return rounds;
}

} // namespace

BOOST_AUTO_TEST_CASE(fd_handler_and_unwatch)
{
	VirtualClock clock;
	EventLoop loop(clock);
	auto [r, w] = makePipe();
	std::string got;
	int calls = 0;
	FdWatch watch(loop, r.get(), POLLIN, [&, fd = r.get()](short revents) {
		calls++;
		BOOST_TEST((revents & POLLIN) != 0);
		char buf[16];
		auto n = tlog::base::readSome(fd, buf, sizeof(buf));
		got.append(buf, static_cast<std::size_t>(n));
		watch.unwatch(); // safe inside the handler
		loop.stop();
	});
	tlog::base::writeAll(w.get(), "ping");
	loop.run();
	BOOST_TEST(got == "ping");
	BOOST_TEST(calls == 1);
	// Unwatched: more data does not call the handler; a timer ends the wait.
	tlog::base::writeAll(w.get(), "more");
	runFor(loop, 20ms);
	BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(set_events_zero_ignores_the_fd)
{
	VirtualClock clock;
	EventLoop loop(clock);
	auto [r, w] = makePipe();
	int calls = 0;
	FdWatch watch(loop, r.get(), POLLIN, [&](short) { calls++; });
	watch.setEvents(0);
	tlog::base::writeAll(w.get(), "x");
	runFor(loop, 20ms);
	BOOST_TEST(calls == 0);
	watch.setEvents(POLLIN);
	loop.runOnce();
	BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(set_events_zero_ignores_a_hang_up_too)
{
	// poll(2) reports POLLHUP whatever the events: a paused pipe whose
	// writer closed must not wake the loop (the player spun on it).
	VirtualClock clock;
	EventLoop loop(clock);
	auto [r, w] = makePipe();
	int calls = 0;
	FdWatch watch(loop, r.get(), 0, [&](short) { calls++; });
	tlog::base::writeAll(w.get(), "x");
	w.reset();
	int rounds = runFor(loop, 50ms);
	BOOST_TEST(calls == 0);
	BOOST_TEST(rounds <= 2); // the timer's wait, not a spin
	watch.setEvents(POLLIN);
	loop.runOnce();
	BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(handler_exception_propagates)
{
	EventLoop loop;
	auto [r, w] = makePipe();
	FdWatch watch(loop, r.get(), POLLIN,
		      [](short) { throw std::runtime_error("handler failed"); });
	tlog::base::writeAll(w.get(), "x");
	BOOST_CHECK_THROW(loop.runOnce(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(watches_and_timers_leave_the_loop_when_destroyed)
{
	// What a watch or a timer captures may go with it: the loop never
	// calls it after that, even when it went inside a handler.
	VirtualClock clock;
	EventLoop loop(clock);
	auto [r, w] = makePipe();
	tlog::base::writeAll(w.get(), "x");
	int watchCalls = 0, timerCalls = 0;
	auto watch = std::make_unique<FdWatch>(loop, r.get(), POLLIN, [&](short) { watchCalls++; });
	auto timer = std::make_unique<Timer>(loop, [&] { timerCalls++; });
	timer->schedule(clock.monotonic());
	// A watch ready in the same round as one that ends it.
	// It takes the byte, so that virtual time can move on afterwards.
	FdWatch ender(loop, r.get(), POLLIN, [&](short) {
		watch.reset();
		timer.reset();
		char byte;
		BOOST_TEST(::read(r.get(), &byte, 1) == 1);
	});
	loop.runOnce();
	BOOST_TEST(watchCalls == 1); // before ender, in the order they joined
	BOOST_TEST(timerCalls == 0); // gone before the round's timers ran
	runFor(loop, 10ms);
	BOOST_TEST(watchCalls == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signals)

BOOST_AUTO_TEST_CASE(raised_signal_is_read_from_the_fd)
{
	sigset_t before;
	::sigprocmask(SIG_SETMASK, nullptr, &before);
	BOOST_REQUIRE(!sigismember(&before, SIGUSR1));
	{
		SignalSet set{SIGUSR1, SIGUSR2};
		sigset_t now;
		::sigprocmask(SIG_SETMASK, nullptr, &now);
		BOOST_TEST(sigismember(&now, SIGUSR1) == 1);
		BOOST_TEST(!set.read().has_value());
		::raise(SIGUSR2);
		::raise(SIGUSR1);
		pollfd p{set.fd(), POLLIN, 0};
		BOOST_TEST(::poll(&p, 1, 1000) == 1);
		auto first = set.read(), second = set.read();
		BOOST_REQUIRE(first.has_value());
		BOOST_REQUIRE(second.has_value());
		BOOST_TEST((*first == SIGUSR1 || *first == SIGUSR2));
		BOOST_TEST(*first + *second == SIGUSR1 + SIGUSR2);
		BOOST_TEST(!set.read().has_value());
	}
	sigset_t after;
	::sigprocmask(SIG_SETMASK, nullptr, &after);
	BOOST_TEST(!sigismember(&after, SIGUSR1)); // the destructor unblocked it
}

BOOST_AUTO_TEST_CASE(child_starts_with_no_blocked_signals)
{
	SignalSet set{SIGINT, SIGTERM, SIGCHLD};
	auto child = spawnOnPipes({"sh", "-c", "grep '^SigBlk' /proc/self/status"});
	child.input.reset();
	auto out = readAll(child.output.get());
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 0);
	BOOST_TEST(out.find("0000000000000000") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(children)

BOOST_AUTO_TEST_CASE(printf_on_a_pty)
{
	tlog::test::requireOrSkip(havePty(), "/dev/ptmx");
	auto child = spawnOnPty({"printf", "hello\\nworld"}, nullptr, WindowSize{80, 24});
	BOOST_TEST(child.input.valid());
	BOOST_TEST(child.output.valid());
	BOOST_TEST(!child.error.valid());
	auto out = readAll(child.output.get()); // ends with EIO, read as EOF
	BOOST_TEST(out == "hello\r\nworld");
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 0);
}

BOOST_AUTO_TEST_CASE(pty_has_the_size_and_is_the_controlling_terminal)
{
	tlog::test::requireOrSkip(havePty(), "/dev/ptmx");
	auto child = spawnOnPty({"sh", "-c",
				 "stty size; test -t 0 && echo tty; "
				 "[ \"$(ps -o tty= -p $$)\" != '?' ] && echo ctty"},
				nullptr, WindowSize{123, 45});
	auto out = readAll(child.output.get());
	BOOST_TEST(out.find("45 123") != std::string::npos, out);
	BOOST_TEST(out.find("tty") != std::string::npos, out);
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 0);
}

BOOST_AUTO_TEST_CASE(exit_codes_and_signals)
{
	struct Case {
		std::string script;
		int status;
	};
	for (const auto &c :
	     {Case{"exit 0", 0}, Case{"exit 3", 3}, Case{"exit 255", 255},
	      Case{"kill -TERM $$", 128 + SIGTERM}, Case{"kill -KILL $$", 128 + SIGKILL},
	      Case{"kill -INT $$", 128 + SIGINT}}) {
		auto child = spawnOnPipes({"sh", "-c", c.script});
		BOOST_TEST(shellStatus(waitStatus(child.pid)) == c.status, c.script);
	}
}

BOOST_AUTO_TEST_CASE(pipes_carry_input_output_and_error)
{
	auto child = spawnOnPipes({"sh", "-c", "read x; echo out:$x; echo err >&2; exit 4"});
	tlog::base::writeAll(child.input.get(), "typed\n");
	child.input.reset();
	BOOST_TEST(readAll(child.output.get()) == "out:typed\n");
	BOOST_TEST(readAll(child.error.get()) == "err\n");
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 4);
}

BOOST_AUTO_TEST_CASE(exec0_replaces_argv0)
{
	auto child = spawnOnPipes({"sh", "-c", "echo $0"}, "-sh");
	BOOST_TEST(readAll(child.output.get()) == "-sh\n");
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 0);
}

BOOST_AUTO_TEST_CASE(missing_program_exits_127)
{
	auto child = spawnOnPipes({"/nonexistent/tlog-test-program"});
	auto err = readAll(child.error.get());
	BOOST_TEST(shellStatus(waitStatus(child.pid)) == 127);
	BOOST_TEST(err.find("/nonexistent/tlog-test-program") != std::string::npos, err);
	BOOST_CHECK_THROW(spawnOnPipes({}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(terminal)

BOOST_AUTO_TEST_CASE(termios_guard_restores_on_a_pty)
{
	tlog::test::requireOrSkip(havePty(), "/dev/ptmx");
	int m = -1, s = -1;
	BOOST_REQUIRE(::openpty(&m, &s, nullptr, nullptr, nullptr) == 0);
	UniqueFd master(m), slave(s);
	termios before{};
	BOOST_REQUIRE(::tcgetattr(s, &before) == 0);
	BOOST_REQUIRE((before.c_lflag & ICANON) != 0);
	auto check = [&](const char *when) {
		termios now{};
		BOOST_REQUIRE(::tcgetattr(s, &now) == 0);
		BOOST_TEST(now.c_lflag == before.c_lflag, when);
		BOOST_TEST(now.c_iflag == before.c_iflag, when);
		BOOST_TEST(now.c_oflag == before.c_oflag, when);
		BOOST_TEST(now.c_cflag == before.c_cflag, when);
	};
	{
		TermiosGuard guard(s);
		termios raw{};
		BOOST_REQUIRE(::tcgetattr(s, &raw) == 0);
		BOOST_TEST((raw.c_lflag & (ICANON | ECHO | ISIG)) == 0u);
		BOOST_TEST((raw.c_oflag & OPOST) == 0u);
		BOOST_TEST(guard.saved().c_lflag == before.c_lflag);
	}
	check("after destruction");
	try {
		TermiosGuard guard(s);
		throw std::runtime_error("unwinding");
	} catch (const std::runtime_error &) {
	}
	check("after an exception");
	{
		TermiosGuard guard(s);
		TermiosGuard moved(std::move(guard));
		guard.restore(); // moved-from: does nothing
		termios raw{};
		::tcgetattr(s, &raw);
		BOOST_TEST((raw.c_lflag & ICANON) == 0u);
		moved.restore();
		check("after restore()");
	}
	check("after a moved guard");
	{
		TermiosGuard keep(s, false); // saves only
		termios now{};
		::tcgetattr(s, &now);
		BOOST_TEST(now.c_lflag == before.c_lflag);
	}
}

BOOST_AUTO_TEST_CASE(termios_guard_needs_a_terminal)
{
	auto [r, w] = makePipe();
	BOOST_CHECK_THROW(TermiosGuard(r.get()), std::system_error);
}

BOOST_AUTO_TEST_CASE(window_size)
{
	tlog::test::requireOrSkip(havePty(), "/dev/ptmx");
	int m = -1, s = -1;
	BOOST_REQUIRE(::openpty(&m, &s, nullptr, nullptr, nullptr) == 0);
	UniqueFd master(m), slave(s);
	setWindowSize(m, WindowSize{65535, 1});
	BOOST_TEST((getWindowSize(s) == WindowSize{65535, 1}));
	setWindowSize(s, WindowSize{100, 40});
	BOOST_TEST((getWindowSize(m) == WindowSize{100, 40}));
	auto [r, w] = makePipe();
	BOOST_TEST(!getWindowSize(r.get()).has_value());
	BOOST_CHECK_THROW(setWindowSize(r.get(), WindowSize{1, 1}), std::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
