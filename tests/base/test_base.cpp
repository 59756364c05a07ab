// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE base
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "support/files.hpp"
#include "support/stderr_pty.hpp"
#include "tlog/base/clock.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/utf8.hpp"

using namespace tlog::base;

namespace {

[[noreturn]] void throwNested()
{
	try {
		try {
			throwSystem(ENOENT, "open /nowhere");
		} catch (...) {
			std::throw_with_nested(std::runtime_error("loading the configuration"));
		}
	} catch (...) {
		std::throw_with_nested(ConfigError("tlog-rec"));
	}
}

} // namespace

BOOST_AUTO_TEST_CASE(describe_plain)
{
	std::runtime_error e("plain");
	BOOST_TEST(describe(e) == "plain");
}

BOOST_AUTO_TEST_CASE(describe_nested_chain)
{
	try {
		throwNested();
	} catch (const std::exception &e) {
		std::string text = describe(e);
		BOOST_TEST(text.rfind("tlog-rec: loading the configuration: open /nowhere: ", 0) ==
			       0,
			   text);
		BOOST_TEST(text.find(std::generic_category().message(ENOENT)) != std::string::npos,
			   text);
		BOOST_TEST(describeCurrent() == text);
		return;
	}
	BOOST_FAIL("nothing thrown");
}

BOOST_AUTO_TEST_CASE(describe_nested_non_std)
{
	try {
		try {
			throw 42;
		} catch (...) {
			std::throw_with_nested(FormatError("rec.log:3"));
		}
	} catch (const std::exception &e) {
		BOOST_TEST(describe(e) == "rec.log:3: unknown error");
		return;
	}
	BOOST_FAIL("nothing thrown");
}

BOOST_AUTO_TEST_CASE(describe_current_unknown)
{
	try {
		throw 1;
	} catch (...) {
		BOOST_TEST(describeCurrent() == "unknown error");
	}
}

BOOST_AUTO_TEST_CASE(throw_errno_keeps_code)
{
	errno = EACCES;
	try {
		throwErrno("ctx");
	} catch (const std::system_error &e) {
		BOOST_TEST(e.code().value() == EACCES);
		BOOST_TEST((e.code().category() == std::system_category()));
		BOOST_TEST(std::string(e.what()).rfind("ctx: ", 0) == 0);
	}
}

BOOST_AUTO_TEST_CASE(error_types_are_runtime_errors)
{
	BOOST_CHECK_THROW(throw FormatError("x"), std::runtime_error);
	BOOST_CHECK_THROW(throw ConfigError("x"), std::runtime_error);
	BOOST_CHECK_THROW(throw UsageError("x"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(printable_shows_what_would_cut_or_act)
{
	using namespace std::string_literals;
	BOOST_TEST(quoted("plain text, caf\xc3\xa9") == "'plain text, caf\xc3\xa9'");
	// NUL would cut what() short; C0, DEL and C1 would act on the
	// terminal; bytes that are not UTF-8 are shown as they are.
	BOOST_TEST(printable("a\0b"s) == "a\\x00b");
	BOOST_TEST(printable("\x1b[2J\x7f") == "\\x1b[2J\\x7f");
	BOOST_TEST(printable("\xc2\x9b"
			     "31m") == "\\xc2\\x9b31m");
	BOOST_TEST(printable("\xff\xc3") == "\\xff\\xc3");
	// Long values are cut.
	auto shown = printable(std::string(1000, 'x'));
	BOOST_TEST(shown == std::string(200, 'x') + "...");
}

BOOST_AUTO_TEST_CASE(utf8_validity_wherever_a_byte_falls_in_ascii_runs)
{
	// isValid() goes over ASCII eight bytes at a time: a character or a
	// bad byte at any offset of a run, and at its end, is still seen.
	using tlog::base::utf8::isValid;
	for (std::size_t before = 0; before < 40; before++) {
		std::string run(before, 'a');
		for (std::size_t after : {0, 1, 7, 8, 9, 23}) {
			std::string tail(after, 'b');
			BOOST_TEST(isValid(run + "\xc3\xa9" + tail), before << "/" << after);
			BOOST_TEST(isValid(run + "\xf0\x9f\x98\x80" + tail),
				   before << "/" << after);
			BOOST_TEST(!isValid(run + "\xff" + tail), before << "/" << after);
			BOOST_TEST(!isValid(run + "\x80" + tail), before << "/" << after);
			BOOST_TEST(!isValid(run + "\xed\xa0\x80" + tail), before << "/" << after);
		}
		BOOST_TEST(isValid(run));
		BOOST_TEST(!isValid(run + "\xc3"), before); // cut at the end
	}
}

BOOST_AUTO_TEST_CASE(utf8_incomplete_tail_is_a_cut_character_only)
{
	using tlog::base::utf8::incompleteTail;
	BOOST_TEST(incompleteTail("") == 0u);
	BOOST_TEST(incompleteTail("abc") == 0u);
	BOOST_TEST(incompleteTail("a\xc3\xa9") == 0u);	      // é, whole
	BOOST_TEST(incompleteTail("a\xc3") == 1u);	      // é cut
	BOOST_TEST(incompleteTail("\xe2\x82") == 2u);	      // € cut
	BOOST_TEST(incompleteTail("x\xf0\x9f\x98") == 3u);    // an emoji cut
	BOOST_TEST(incompleteTail("\xf0\x9f\x98\x80") == 0u); // whole
	// Not the start of anything valid: nothing to wait for.
	BOOST_TEST(incompleteTail("a\xa9") == 0u);
	BOOST_TEST(incompleteTail("\xc0") == 0u);
	BOOST_TEST(incompleteTail("\xe0\x80") == 0u); // overlong
	BOOST_TEST(incompleteTail("\xed\xa0") == 0u); // a surrogate
	BOOST_TEST(incompleteTail("\x80\x80\x80") == 0u);
}

BOOST_AUTO_TEST_CASE(progress_line_paces_its_lines)
{
	using namespace std::chrono_literals;
	// None in the first second: work that ends quickly says nothing.
	auto now = monotonicNow();
	ProgressLine progress;
	BOOST_TEST(!progress.due(now + ProgressLine::kFirstAfter - 1ns));
	progress.dueFrom(now + 2s);
	BOOST_TEST(!progress.due(now + 1999ms));
	// Then one a quarter second, counted from the last one due.
	BOOST_TEST(progress.due(now + 2s));
	BOOST_TEST(!progress.due(now + 2s));
	BOOST_TEST(!progress.due(now + 2s + ProgressLine::kEvery - 1ns));
	BOOST_TEST(progress.due(now + 2s + ProgressLine::kEvery));
	BOOST_TEST(progress.due(now + 10s));
	BOOST_TEST(!progress.due(now + 10s + 1ms));
}

BOOST_AUTO_TEST_CASE(log_line_waits_for_a_full_nonblocking_stderr)
{
	// The recorder's terminal, which stderr often shares a non-blocking
	// file description with, is full in an output flood: the warning
	// still arrives whole once the terminal takes output again.
	setProgramName("prog");
	int fds[2];
	BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
	std::string filler(4096, 'x');
	while (::write(fds[1], filler.data(), filler.size()) > 0) {
	}
	BOOST_REQUIRE(errno == EAGAIN);
	int saved = ::dup(STDERR_FILENO);
	::dup2(fds[1], STDERR_FILENO);
	std::string got;
	std::thread reader([&] {
		char buf[4096];
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
		while (got.find("done\n") == std::string::npos &&
		       std::chrono::steady_clock::now() < deadline) {
			ssize_t n = ::read(fds[0], buf, sizeof(buf));
			if (n > 0)
				got.append(buf, static_cast<std::size_t>(n));
			else
				std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
	});
	std::string message = "a warning " + std::string(10000, 'w');
	logLine(message);
	logLine("done");
	::dup2(saved, STDERR_FILENO);
	::close(saved);
	reader.join();
	::close(fds[0]);
	::close(fds[1]);
	auto at = got.find("prog: a warning");
	BOOST_REQUIRE(at != std::string::npos);
	BOOST_TEST(got.substr(at) == "prog: " + message + "\nprog: done\n");
}

BOOST_AUTO_TEST_CASE(progress_line_stays_under_log_lines)
{
	setProgramName("prog");
	{
		tlog::test::StderrOnPty err;
		showProgress("at 0:01");
		showProgress("at 0:02"); // rewritten in place
		logLine("a warning");	 // above it, the progress line again under it
		showProgress("");	 // taken away
		showProgress("");	 // nothing more to take away
		logLine("after");
		logUsageHint();
		BOOST_TEST(err.take() == "\r\x1b[Kprog: at 0:01"
					 "\r\x1b[Kprog: at 0:02"
					 "\r\x1b[Kprog: a warning\nprog: at 0:02"
					 "\r\x1b[K"
					 "prog: after\n"
					 "prog: try 'prog --help' for more information\n");
	}
	// A ProgressLine takes its line away when it goes, by an exception
	// too, before the error is told.
	{
		tlog::test::StderrOnPty err;
		try {
			ProgressLine progress;
			progress.show("at 0:04");
			throw std::runtime_error("failed");
		} catch (const std::exception &e) {
			logLine(e.what());
		}
		BOOST_TEST(err.take() == "\r\x1b[Kprog: at 0:04\r\x1b[Kprog: failed\n");
	}
	// Not a terminal: no progress line at all, log lines as they are.
	tlog::test::TempDir dir;
	{
		int fd = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT, 0600);
		int saved = ::dup(STDERR_FILENO);
		::dup2(fd, STDERR_FILENO);
		showProgress("at 0:03");
		logLine("plain");
		showProgress("");
		::dup2(saved, STDERR_FILENO);
		::close(saved);
		::close(fd);
	}
	BOOST_TEST(tlog::test::readFile(dir / "err") == "prog: plain\n");
	setProgramName("tlog");
}

BOOST_AUTO_TEST_CASE(clocks_advance)
{
	auto m1 = monotonicNow();
	auto r = realtimeNow();
	auto m2 = monotonicNow();
	BOOST_TEST(m2.count() >= m1.count());
	// After 2020-01-01 and before 2200.
	BOOST_TEST(r > std::chrono::seconds(1577836800));
	BOOST_TEST(r < std::chrono::seconds(7258118400));
}
