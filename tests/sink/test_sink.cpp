// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE sink
#include <boost/test/unit_test.hpp>

#include "tlog/sink/mem_writer.hpp"

using tlog::sink::MemWriter;

BOOST_AUTO_TEST_CASE(mem_writer_keeps_messages_and_fields)
{
	MemWriter w;
	w.write("one", {"h", "r", "u", 7, 1, {}, false});
	w.write("two", {"h", "r", "u", 7, 2, "c2ln", true});
	w.flush();
	BOOST_TEST(w.messages().size() == 2u);
	BOOST_TEST(w.messages()[1] == "two");
	BOOST_TEST(w.fields()[1].id == 2u);
	BOOST_TEST(w.fields()[0].rec == "r");
	BOOST_TEST(w.fields()[0].signature.empty());
	BOOST_TEST(!w.fields()[0].end);
	BOOST_TEST(w.fields()[1].signature == "c2ln");
	BOOST_TEST(w.fields()[1].end);
	BOOST_TEST(w.flushes() == 1u);
}

BOOST_AUTO_TEST_CASE(mem_writer_simulates_failure)
{
	MemWriter w;
	w.failAfter(1);
	w.write("one", {});
	BOOST_CHECK_THROW(w.write("two", {}), std::runtime_error);
	BOOST_TEST(w.messages().size() == 1u);
}
