// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE screen_search
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "tlog/screen/screen_search.hpp"
#include "tlog/screen/virtual_screen.hpp"

using tlog::screen::ScreenSearch;
using tlog::screen::VirtualScreen;

namespace {

// The new matches' row texts joined by "|", or "(none)".
std::string feed(VirtualScreen &screen, ScreenSearch &search, const std::string &out)
{
	screen.feed(out);
	std::string found;
	for (const auto &row : search.update(screen))
		found += (found.empty() ? "" : "|") + row;
	return found.empty() ? "(none)" : found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(screen_search)

BOOST_AUTO_TEST_CASE(a_match_is_text_that_appears)
{
	VirtualScreen screen(20, 3);
	ScreenSearch search("error");
	BOOST_TEST(feed(screen, search, "starting\r\n") == "(none)");
	BOOST_TEST(feed(screen, search, "an error here\r\n") == "an error here");
	// Scrolling moves the line up and then off: no new match.
	BOOST_TEST(feed(screen, search, "ok\r\n") == "(none)");
	BOOST_TEST(feed(screen, search, "ok\r\n") == "(none)");
	BOOST_TEST(feed(screen, search, "ok\r\n") == "(none)");
	// The same line printed again is a new match.
	BOOST_TEST(feed(screen, search, "an error here\r\n") == "an error here");
}

BOOST_AUTO_TEST_CASE(the_screen_text_counts_not_the_bytes)
{
	VirtualScreen screen(20, 3);
	ScreenSearch search("error");
	// Split by an attribute change: the bytes do not hold "error", the
	// screen does.
	BOOST_TEST(feed(screen, search, "err\x1b[1mor\x1b[0m") == "error");
	// Overwritten before it was ever shown whole: "erxor" is not a match.
	ScreenSearch other("found");
	VirtualScreen screen2(20, 3);
	BOOST_TEST(feed(screen2, other, "fou\bX") == "(none)");
	BOOST_TEST(feed(screen2, other, "nd") == "(none)");
	// Typed a character at a time, it matches when the last one lands.
	VirtualScreen screen3(20, 3);
	ScreenSearch typed("make");
	BOOST_TEST(feed(screen3, typed, "$ m") == "(none)");
	BOOST_TEST(feed(screen3, typed, "ak") == "(none)");
	BOOST_TEST(feed(screen3, typed, "e") == "$ make");
	// Editing the line further does not match it again.
	BOOST_TEST(feed(screen3, typed, " all") == "(none)");
}

BOOST_AUTO_TEST_CASE(every_new_row_is_a_match)
{
	VirtualScreen screen(20, 4);
	ScreenSearch search("err");
	BOOST_TEST(feed(screen, search, "err 1\r\nok\r\nerr 2\r\n") == "err 1|err 2");
}

BOOST_AUTO_TEST_CASE(leaving_the_alternate_screen_shows_nothing_new)
{
	VirtualScreen screen(20, 4);
	ScreenSearch search("err");
	BOOST_TEST(feed(screen, search, "err one\r\n") == "err one");
	BOOST_TEST(feed(screen, search, "\x1b[?1049h\x1b[Herr in vim") == "err in vim");
	// Back on the normal screen: "err one" was there before; "err two",
	// printed with the switch, is new.
	BOOST_TEST(feed(screen, search, "\x1b[?1049lerr two\r\n") == "err two");
}

BOOST_AUTO_TEST_CASE(an_empty_pattern_matches_nothing)
{
	VirtualScreen screen(10, 2);
	ScreenSearch search("");
	BOOST_TEST(feed(screen, search, "anything\r\n") == "(none)");
}

BOOST_AUTO_TEST_SUITE_END()
