// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE unique_fd
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "support/skip.hpp"
#include "tlog/base/unique_fd.hpp"

using tlog::base::UniqueFd;

namespace {

bool isOpen(int fd)
{
	return ::fcntl(fd, F_GETFD) >= 0;
}

std::pair<UniqueFd, UniqueFd> makePipe()
{
	int fds[2];
	BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
	return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

} // namespace

BOOST_AUTO_TEST_SUITE(unique_fd)

BOOST_AUTO_TEST_CASE(default_is_invalid)
{
	UniqueFd fd;
	BOOST_TEST(!fd.valid());
	BOOST_TEST(!fd);
	BOOST_TEST(fd.get() == -1);
	BOOST_TEST(fd.release() == -1);
}

BOOST_AUTO_TEST_CASE(closes_on_destruction)
{
	int raw;
	{
		auto [r, w] = makePipe();
		raw = r.get();
		BOOST_TEST(isOpen(raw));
	}
	BOOST_TEST(!isOpen(raw));
}

BOOST_AUTO_TEST_CASE(move_transfers_ownership)
{
	auto [r, w] = makePipe();
	int raw = r.get();
	UniqueFd moved(std::move(r));
	BOOST_TEST(!r.valid());
	BOOST_TEST(moved.get() == raw);
	UniqueFd assigned;
	assigned = std::move(moved);
	BOOST_TEST(!moved.valid());
	BOOST_TEST(assigned.get() == raw);
	BOOST_TEST(isOpen(raw));
}

BOOST_AUTO_TEST_CASE(move_assign_closes_previous)
{
	auto [r1, w1] = makePipe();
	auto [r2, w2] = makePipe();
	int first = r1.get();
	r1 = std::move(r2);
	BOOST_TEST(!isOpen(first));
	BOOST_TEST(r1.valid());
}

BOOST_AUTO_TEST_CASE(release_and_reset)
{
	auto [r, w] = makePipe();
	int raw = r.release();
	BOOST_TEST(!r.valid());
	BOOST_TEST(isOpen(raw)); // released, not closed
	r.reset(raw);
	BOOST_TEST(r.get() == raw);
	r.reset();
	BOOST_TEST(!isOpen(raw));
	BOOST_TEST(!r.valid());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(io)

BOOST_AUTO_TEST_CASE(read_some_data_eof_and_eagain)
{
	auto [r, w] = makePipe();
	tlog::base::setNonBlocking(r.get(), true);
	BOOST_TEST((::fcntl(r.get(), F_GETFL) & O_NONBLOCK) != 0);
	char buf[16];
	BOOST_TEST(tlog::base::readSome(r.get(), buf, sizeof(buf)) == -1);
	BOOST_TEST(errno == EAGAIN);
	tlog::base::writeAll(w.get(), "hello");
	BOOST_TEST(tlog::base::readSome(r.get(), buf, sizeof(buf)) == 5);
	BOOST_TEST(std::string(buf, 5) == "hello");
	w.reset();
	BOOST_TEST(tlog::base::readSome(r.get(), buf, sizeof(buf)) == 0);
	tlog::base::setNonBlocking(r.get(), false);
	BOOST_TEST((::fcntl(r.get(), F_GETFL) & O_NONBLOCK) == 0);
}

BOOST_AUTO_TEST_CASE(read_some_throws_on_bad_fd)
{
	char buf[4];
	BOOST_CHECK_THROW(tlog::base::readSome(-1, buf, sizeof(buf)), std::system_error);
	BOOST_CHECK_THROW(tlog::base::setNonBlocking(-1, true), std::system_error);
	BOOST_CHECK_THROW(tlog::base::writeAll(-1, "x"), std::system_error);
}

BOOST_AUTO_TEST_CASE(write_all_fills_a_full_nonblocking_pipe)
{
	// More than a pipe holds, on a non-blocking fd: writeAll must wait
	// with poll() and deliver every byte in order.
	auto [r, w] = makePipe();
	tlog::base::setNonBlocking(w.get(), true);
	std::string data;
	for (int i = 0; i < 300000; i++)
		data += static_cast<char>('a' + i % 26);
	std::string got;
	std::thread reader([&, fd = r.get()] {
		char buf[4096];
		for (;;) {
			auto n = tlog::base::readSome(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			got.append(buf, static_cast<std::size_t>(n));
		}
	});
	tlog::base::writeAll(w.get(), data);
	w.reset();
	reader.join();
	BOOST_TEST(got.size() == data.size());
	BOOST_TEST((got == data));
}

BOOST_AUTO_TEST_CASE(read_some_eio_on_pty_master_is_eof)
{
	int master = -1, slave = -1;
	bool havePty = ::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0;
	tlog::test::requireOrSkip(havePty, "a pty (openpty)");
	UniqueFd m(master), s(slave);
	tlog::base::writeAll(s.get(), "out\n");
	s.reset();
	// Linux: the master reads what is buffered, then EIO once the slave
	// is gone; readSome() reports that as 0, EOF.
	std::string got;
	char buf[64];
	for (int i = 0; i < 10; i++) {
		auto n = tlog::base::readSome(m.get(), buf, sizeof(buf));
		BOOST_REQUIRE(n >= 0);
		if (n == 0)
			break;
		got.append(buf, static_cast<std::size_t>(n));
	}
	BOOST_TEST(got == "out\r\n");
	// And the raw read really is EIO, so this is the case under test.
	errno = 0;
	BOOST_TEST(::read(m.get(), buf, sizeof(buf)) == -1);
	BOOST_TEST(errno == EIO);
}

BOOST_AUTO_TEST_SUITE_END()
