// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE fd_reader
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include <poll.h>
#include <unistd.h>

#include "config.h"
#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/source/fd_reader.hpp"
#include "tlog/source/reader_factory.hpp"

using tlog::source::FdReader;
using tlog::source::RawMessage;

namespace {

void appendFile(const std::filesystem::path &path, std::string_view text)
{
	std::ofstream out(path, std::ios::binary | std::ios::app);
	out << text;
	out.flush();
	BOOST_REQUIRE(out.good());
}

bool readable(int fd, int timeoutMs)
{
	pollfd p{fd, POLLIN, 0};
	return ::poll(&p, 1, timeoutMs) == 1 && (p.revents & POLLIN) != 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(lines_and_locations)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "{\"a\":1}\n\n   \n{\"b\":2}\r\n{\"c\":3}\n");
	FdReader reader(path.string(), false);
	BOOST_TEST(reader.name() == path.string());
	BOOST_TEST(reader.waitFd() == -1);

	auto m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->text == "{\"a\":1}");
	BOOST_TEST(m->location == path.string() + ":1");
	m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->text == "{\"b\":2}\r"); // JSON allows the trailing white space
	BOOST_TEST(m->location == path.string() + ":4");
	m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->location == path.string() + ":5");
	BOOST_TEST(!reader.read());
	BOOST_TEST(reader.finished());
	BOOST_TEST(!reader.read());
}

BOOST_AUTO_TEST_CASE(last_line_without_newline_is_offered)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "{\"a\":1}\n{\"b\":");
	FdReader reader(path.string(), false);
	BOOST_TEST(reader.read()->text == "{\"a\":1}");
	auto m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->text == "{\"b\":");
	BOOST_TEST(m->location == path.string() + ":2");
	BOOST_TEST(!reader.read());
}

BOOST_AUTO_TEST_CASE(lines_across_reads)
{
	// Lines longer than one read (64 KiB) come back whole.
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	std::string big(200000, 'x');
	tlog::test::writeFile(path, big + "\n" + big + "y\n");
	FdReader reader(path.string(), false);
	BOOST_TEST(reader.read()->text == big);
	BOOST_TEST(reader.read()->text == big + "y");
	BOOST_TEST(!reader.read());
}

BOOST_AUTO_TEST_CASE(huge_line_is_an_error_naming_its_line)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "{}\n" + std::string(5000, 'x') + "\n{}\n");
	FdReader reader(path.string(), false, 1000);
	BOOST_TEST(reader.read()->text == "{}");
	try {
		reader.read();
		BOOST_FAIL("a line over the bound was accepted");
	} catch (const tlog::base::FormatError &e) {
		std::string what = e.what();
		BOOST_TEST(what.find(path.string() + ":2: line longer than 1000 bytes") == 0);
	}
}

BOOST_AUTO_TEST_CASE(huge_last_line_without_newline_is_an_error)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, std::string(300000, 'x'));
	FdReader reader(path.string(), false, 100000);
	BOOST_CHECK_THROW(reader.read(), tlog::base::FormatError);
}

BOOST_AUTO_TEST_CASE(missing_file_names_the_path)
{
	tlog::test::TempDir dir;
	auto path = (dir / "nope.log").string();
	try {
		FdReader reader(path, false);
		BOOST_FAIL("opened a missing file");
	} catch (const std::system_error &e) {
		BOOST_TEST(e.code().value() == ENOENT);
		BOOST_TEST(std::string(e.what()).find(path) != std::string::npos);
	}
	BOOST_CHECK_THROW(FdReader(dir.path().string(), false), std::system_error);
}

BOOST_AUTO_TEST_CASE(follow_wakes_on_append)
{
	tlog::test::TempDir dir;
	auto path = dir / "live.log";
	tlog::test::writeFile(path, "{\"a\":1}\n{\"b\"");
	FdReader reader(path.string(), true);
	int fd = reader.waitFd();
	BOOST_REQUIRE(fd >= 0);

	BOOST_TEST(reader.read()->text == "{\"a\":1}");
	// Following, a line without its newline is held, not offered.
	BOOST_TEST(!reader.read());
	BOOST_TEST(!reader.finished());
	BOOST_TEST(!readable(fd, 0));

	appendFile(path, ":2}\n{\"c\":3}\n");
	BOOST_TEST(readable(fd, 2000));
	reader.onWaitFdReady();
	BOOST_TEST(!readable(fd, 0)); // drained
	auto m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->text == "{\"b\":2}");
	BOOST_TEST(m->location == path.string() + ":2");
	BOOST_TEST(reader.read()->text == "{\"c\":3}");
	BOOST_TEST(!reader.read());
}

BOOST_AUTO_TEST_CASE(follow_stops_on_truncation)
{
	tlog::test::TempDir dir;
	auto path = dir / "live.log";
	tlog::test::writeFile(path, "{\"a\":1}\n{\"b\":2}\n");
	FdReader reader(path.string(), true);
	BOOST_TEST(reader.read()->text == "{\"a\":1}");
	BOOST_TEST(reader.read()->text == "{\"b\":2}");
	BOOST_TEST(!reader.read());
	tlog::test::writeFile(path, "{}\n");
	BOOST_TEST(readable(reader.waitFd(), 2000));
	reader.onWaitFdReady();
	try {
		reader.read();
		BOOST_FAIL("truncation went unnoticed");
	} catch (const std::runtime_error &e) {
		BOOST_TEST(std::string(e.what()).find("truncated") != std::string::npos);
	}
}

BOOST_AUTO_TEST_CASE(pipe_on_stdin)
{
	// "-" reads standard input; a pipe is read without blocking.
	int fds[2];
	BOOST_REQUIRE(::pipe(fds) == 0);
	int savedStdin = ::dup(STDIN_FILENO);
	BOOST_REQUIRE(::dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
	::close(fds[0]);
	{
		FdReader reader("-", false);
		BOOST_TEST(reader.name() == "<stdin>");
		BOOST_TEST(reader.waitFd() == STDIN_FILENO);
		BOOST_TEST(!reader.read()); // nothing yet: not an end
		BOOST_TEST(!reader.finished());
		BOOST_REQUIRE(::write(fds[1], "{}\n{\"x\"", 7) == 7);
		BOOST_TEST(readable(reader.waitFd(), 1000));
		auto m = reader.read();
		BOOST_REQUIRE(m);
		BOOST_TEST(m->location == "<stdin>:1");
		BOOST_TEST(!reader.read());
		::close(fds[1]);
		m = reader.read();
		BOOST_REQUIRE(m);
		BOOST_TEST(m->text == "{\"x\"");
		BOOST_TEST(!reader.read());
		BOOST_TEST(reader.finished());
		BOOST_TEST(reader.waitFd() == -1);
	}
	::dup2(savedStdin, STDIN_FILENO);
	::close(savedStdin);
}

BOOST_AUTO_TEST_CASE(factory)
{
	using tlog::source::makeReader;
	using tlog::source::ReaderSpec;
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "{}\n");
	auto spec = [](std::string type, std::string file) {
		ReaderSpec s;
		s.type = std::move(type);
		s.path = std::move(file);
		return s;
	};
	auto reader = makeReader(spec("file", path.string()));
	BOOST_TEST(reader->read()->text == "{}");
	BOOST_CHECK_THROW(makeReader(spec("file", "")), tlog::base::ConfigError);
	try {
		makeReader(spec("nosuch", "x"));
		BOOST_FAIL("unknown reader made");
	} catch (const tlog::base::ConfigError &e) {
		// The message lists what this build has.
		BOOST_TEST(std::string(e.what()).find("file") != std::string::npos, e.what());
	}
#if ENABLE_ELASTICSEARCH
	// The ES reader needs its URL and query before it talks to anyone.
	BOOST_CHECK_THROW(makeReader(spec("es", "")), tlog::base::ConfigError);
#else
	// Not in this build: said as an unknown reader.
	BOOST_CHECK_THROW(makeReader(spec("es", "")), tlog::base::ConfigError);
#endif
	// The table: a file has no index and reads standard input for "-".
	BOOST_TEST(!tlog::source::hasIndex("file"));
	BOOST_TEST(tlog::source::hasIndex("journal") == (ENABLE_JOURNAL != 0));
	BOOST_TEST(tlog::source::hasIndex("es") == (ENABLE_ELASTICSEARCH != 0));
	BOOST_TEST(!tlog::source::hasIndex("nosuch"));
	BOOST_TEST(tlog::source::readsStandardInput(spec("file", "-")));
	BOOST_TEST(!tlog::source::readsStandardInput(spec("file", path.string())));
	BOOST_TEST(!tlog::source::readsStandardInput(spec("journal", "-")));
	BOOST_CHECK_THROW(tlog::source::listRecordings(spec("file", path.string())),
			  std::logic_error);
}

BOOST_AUTO_TEST_CASE(rewind_to_a_mark_reads_the_same_lines_again)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	std::string text;
	for (int i = 1; i <= 5000; i++)
		text += "{\"n\":" + std::to_string(i) + "}\n";
	tlog::test::writeFile(path, text);
	// A small line bound is not needed; the file spans several reads.
	FdReader reader(path.string(), false);
	for (int i = 0; i < 1234; i++)
		BOOST_REQUIRE(reader.read());
	auto mark = reader.mark();
	BOOST_REQUIRE(mark);
	auto next = reader.read();
	BOOST_REQUIRE(next);
	BOOST_TEST(next->text == "{\"n\":1235}");
	while (reader.read()) {
	}
	BOOST_TEST(reader.finished());
	reader.rewind(*mark);
	auto again = reader.read();
	BOOST_REQUIRE(again);
	BOOST_TEST(again->text == next->text);
	BOOST_TEST(again->location == next->location);
	BOOST_TEST(again->location.ends_with(":1235"));
	// From the start.
	FdReader fresh(path.string(), false);
	auto start = fresh.mark();
	BOOST_REQUIRE(fresh.read());
	fresh.rewind(*start);
	BOOST_TEST(fresh.read()->text == "{\"n\":1}");
}

BOOST_AUTO_TEST_CASE(a_pipe_has_no_marks)
{
	int fds[2];
	BOOST_REQUIRE(::pipe(fds) == 0);
	BOOST_REQUIRE(::write(fds[1], "{}\n", 3) == 3);
	::close(fds[1]);
	auto path = "/proc/self/fd/" + std::to_string(fds[0]);
	FdReader reader(path, false);
	BOOST_TEST(!reader.mark());
	BOOST_CHECK_THROW(reader.rewind("0:0"), std::logic_error);
	::close(fds[0]);
}
