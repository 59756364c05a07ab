// SPDX-License-Identifier: GPL-2.0-or-later
// Each reader translates the neutral selection into its own query.
#define BOOST_TEST_MODULE selection
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "config.h"
#include "tlog/source/selection.hpp"
#if ENABLE_JOURNAL
#include "tlog/source/journal_reader.hpp"
#endif
#if ENABLE_ELASTICSEARCH
#include "tlog/source/es_reader.hpp"
#endif

using tlog::source::Selection;

BOOST_AUTO_TEST_SUITE(selection)

#if ENABLE_JOURNAL
BOOST_AUTO_TEST_CASE(journal_matches_the_indexed_fields)
{
	BOOST_TEST(tlog::source::selectionMatches(Selection{}).empty());
	Selection select{"R", "alice", "web1", 7u, 1000000, 2000000};
	const std::vector<std::string> expected = {"TLOG_USER=alice", "TLOG_HOST=web1",
						   "TLOG_SESSION=7", "TLOG_REC=R"};
	BOOST_TEST(tlog::source::selectionMatches(select) == expected,
		   boost::test_tools::per_element());
}
#endif

#if ENABLE_ELASTICSEARCH
BOOST_AUTO_TEST_CASE(elasticsearch_ands_query_terms)
{
	using tlog::source::selectionQuery;
	BOOST_TEST(selectionQuery("", Selection{}) == "");
	BOOST_TEST(selectionQuery("id:>3", Selection{}) == "(id:>3)");
	BOOST_TEST(selectionQuery("", Selection{"R", "", "", {}, {}, {}}) == "rec:\"R\"");
	Selection select{"", "al\"ice", "web1", 7u, {}, {}};
	BOOST_TEST(selectionQuery("q", select) ==
		   "(q) AND user:\"al\\\"ice\" AND host:\"web1\" AND session:7");
	select.rec = "R";
	BOOST_TEST(selectionQuery("q", select) ==
		   "((q) AND user:\"al\\\"ice\" AND host:\"web1\" AND session:7) AND rec:\"R\"");
}
#endif

BOOST_AUTO_TEST_SUITE_END()
