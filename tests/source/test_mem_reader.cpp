// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE mem_reader
#include <boost/test/unit_test.hpp>

#include <poll.h>

#include "tlog/source/mem_reader.hpp"

using tlog::source::MemReader;

BOOST_AUTO_TEST_CASE(mem_reader_plain)
{
	MemReader reader({"a", "b"}, "m");
	BOOST_TEST(reader.waitFd() == -1);
	auto m = reader.read();
	BOOST_REQUIRE(m);
	BOOST_TEST(m->text == "a");
	BOOST_TEST(m->location == "m:1");
	BOOST_TEST(reader.read()->location == "m:2");
	BOOST_TEST(!reader.read());
	BOOST_TEST(reader.finished());
	BOOST_TEST(reader.consumed() == 2u);
}

BOOST_AUTO_TEST_CASE(mem_reader_live)
{
	MemReader reader({"a"}, "m", true);
	int fd = reader.waitFd();
	BOOST_REQUIRE(fd >= 0);
	BOOST_TEST(reader.read()->text == "a");
	BOOST_TEST(!reader.read());
	BOOST_TEST(!reader.finished());
	pollfd p{fd, POLLIN, 0};
	BOOST_TEST(::poll(&p, 1, 0) == 0);
	reader.append("b");
	BOOST_TEST(::poll(&p, 1, 0) == 1);
	reader.onWaitFdReady();
	BOOST_TEST(::poll(&p, 1, 0) == 0);
	BOOST_TEST(reader.read()->location == "m:2");
	reader.close();
	BOOST_TEST(reader.finished());
	BOOST_TEST(reader.waitFd() == -1);
}
