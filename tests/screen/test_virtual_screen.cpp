// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE virtual_screen
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "tlog/screen/virtual_screen.hpp"

using tlog::screen::VirtualScreen;

BOOST_AUTO_TEST_SUITE(virtual_screen)

BOOST_AUTO_TEST_CASE(text_is_what_the_screen_shows)
{
	VirtualScreen screen(20, 4);
	screen.feed("hello\r\nworld\r\n");
	// A carriage return and overwrite, as a progress bar does.
	screen.feed("50%\r100%");
	BOOST_TEST(screen.rowText(0) == "hello");
	BOOST_TEST(screen.rowText(2) == "100%");
	BOOST_TEST(screen.text() == "hello\nworld\n100%\n");
	// Erase in line and cursor movement change the text, not append to it.
	screen.feed("\x1b[1;1H\x1b[2Kbye");
	BOOST_TEST(screen.rowText(0) == "bye");
	// UTF-8, a wide character and a combining mark.
	screen.feed("\x1b[4;1Hcaf\xc3\xa9 \xe4\xb8\xad| e\xcc\x81");
	BOOST_TEST(screen.rowText(3) == "caf\xc3\xa9 \xe4\xb8\xad| e\xcc\x81");
}

BOOST_AUTO_TEST_CASE(scrolled_lines_go_to_the_bounded_scrollback)
{
	VirtualScreen screen(10, 2, 3);
	for (int i = 1; i <= 6; i++)
		screen.feed("line " + std::to_string(i) + "\r\n");
	// Two rows: "line 6" and the empty row under it; five lines scrolled
	// off, the oldest two beyond the bound of three.
	BOOST_TEST(screen.rowText(0) == "line 6");
	std::vector<std::string> kept(screen.scrollback().begin(), screen.scrollback().end());
	BOOST_TEST(kept == (std::vector<std::string>{"line 3", "line 4", "line 5"}),
		   boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(alternate_screen_leaves_the_scrollback_alone)
{
	VirtualScreen screen(10, 2, 10);
	screen.feed("shell\r\n");
	screen.feed("\x1b[?1049h");
	for (int i = 0; i < 5; i++)
		screen.feed("editor\r\n");
	screen.feed("\x1b[?1049l");
	BOOST_TEST(screen.scrollback().empty());
	BOOST_TEST(screen.rowText(0) == "shell");
}

BOOST_AUTO_TEST_CASE(paint_reproduces_the_screen)
{
	VirtualScreen screen(30, 5);
	screen.feed("plain \x1b[1;31mbold red\x1b[0m \x1b[7mrev\x1b[0m\r\n");
	screen.feed("\x1b[38;5;200mindexed\x1b[48;2;1;2;3m rgb bg \x1b[0m\r\n");
	screen.feed("\xe4\xb8\xad\xe6\x96\x87 wide\x1b[5;30Hx\x1b[4;4H");
	std::string painted = screen.paint();

	// Painted over a screen full of other things, it shows the same.
	VirtualScreen copy(30, 5);
	copy.feed("junk junk junk\r\n\x1b[44mblue everywhere\r\nmore");
	copy.feed(painted);
	for (unsigned row = 0; row < 5; row++)
		BOOST_TEST(copy.rowText(row) == screen.rowText(row), "row " << row);
	// The same look: painting the copy gives the same sequences.
	BOOST_TEST(copy.paint() == painted);
	// The cursor ends where it was: what comes next lands in the same place.
	screen.feed("@");
	copy.feed("@");
	BOOST_TEST(copy.rowText(3) == screen.rowText(3));
	BOOST_TEST(screen.rowText(3) == "   @");
}

BOOST_AUTO_TEST_CASE(paint_carries_the_pen_and_cursor_visibility)
{
	// Bold red selected, nothing written in it yet, cursor hidden.
	VirtualScreen screen(20, 3);
	screen.feed("plain\x1b[1;31m\x1b[?25l");
	VirtualScreen copy(20, 3);
	copy.feed(screen.paint());
	BOOST_TEST(copy.paint() == screen.paint());
	BOOST_TEST(screen.paint().ends_with("\x1b[?25l"));
	// What comes next is written alike.
	screen.feed("red");
	copy.feed("red");
	BOOST_TEST(copy.paint() == screen.paint());
}

BOOST_AUTO_TEST_CASE(paint_carries_the_scroll_region)
{
	// A status line kept on the last row by a scroll region above it.
	VirtualScreen screen(20, 6);
	screen.feed("\x1b[2J\x1b[6;1HSTATUS\x1b[1;5r\x1b[5;1H");
	for (int i = 0; i < 8; i++)
		screen.feed("line " + std::to_string(i) + "\r\n");
	VirtualScreen copy(20, 6);
	copy.feed(screen.paint());
	for (auto *s : {&screen, &copy})
		for (int i = 8; i < 12; i++)
			s->feed("line " + std::to_string(i) + "\r\n");
	BOOST_TEST(copy.text() == screen.text());
	BOOST_TEST(screen.rowText(5) == "STATUS");
	// Reset by CSI r: the whole screen scrolls again, in both.
	screen.feed("\x1b[r\x1b[6;1H\r\n");
	copy.feed(screen.paint());
	BOOST_TEST(copy.text() == screen.text());
	BOOST_TEST(copy.paint().find("\x1b[1;5r") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(paint_carries_the_normal_screen_under_the_alternate)
{
	VirtualScreen screen(20, 4);
	screen.feed("shell 1\r\nshell 2\r\n$ vi");
	screen.feed("\x1b[?1049h\x1b[H\x1b[2Jin the editor");
	BOOST_TEST(screen.altScreen());
	VirtualScreen copy(20, 4);
	copy.feed("stale\r\nthings");
	copy.feed(screen.paint());
	BOOST_TEST(copy.altScreen());
	BOOST_TEST(copy.text() == screen.text());
	// The editor ends: the shell's screen comes back in both.
	for (auto *s : {&screen, &copy})
		s->feed("\x1b[?1049l\r\n$ ");
	BOOST_TEST(copy.text() == screen.text());
	BOOST_TEST(screen.rowText(0) == "shell 1");
	// The switch split over two pieces of output is caught too.
	VirtualScreen split(20, 4);
	split.feed("kept\r\n\x1b[?10");
	split.feed("49h\x1b[Hgone");
	VirtualScreen again(20, 4);
	again.feed(split.paint());
	again.feed("\x1b[?1049l");
	BOOST_TEST(again.rowText(0) == "kept");
}

BOOST_AUTO_TEST_CASE(paint_carries_the_modes_later_output_lands_in)
{
	// Each setup, then output that lands differently without it: the
	// screen painted into a fresh one must take that output the same.
	struct Case {
		const char *what, *setup, *after, *row0;
	};
	const Case cases[] = {
	    {"autowrap off", "\x1b[?7l", "abcdefghijklmn", "abcdefghin"},
	    {"insert mode", "hello\r\x1b[4h", "XY", "XYhello"},
	    {"origin mode", "\x1b[2;3r\x1b[?6h\x1b[2;4H", "\x1b[1;1Hz", ""},
	    {"line drawing in G0", "\x1b(0", "lqqk", "\u250c\u2500\u2500\u2510"},
	    {"line drawing in G1, shifted in", "\x1b)0\x0e", "x\x0fx", "\u2502x"},
	    {"line drawing in G2, locked in (LS2)", "\x1b*0\x1bn", "q", "\u2500"},
	    {"full reset (RIS) undoes them",
	     "\x1b[?7l\x1b(0\x1b"
	     "c",
	     "abcdefghijkl", "abcdefghij"},
	    // libvterm 0.1.4 takes the first mode of a list only; so does
	    // what paint() carries.
	    {"a list of modes", "\x1b[?7;25l", "abcdefghijklmn", "abcdefghin"},
	};
	for (const auto &c : cases) {
		BOOST_TEST_CONTEXT(c.what)
		{
			VirtualScreen screen(10, 4);
			screen.feed(c.setup);
			VirtualScreen copy(10, 4);
			copy.feed("\x1b(0\x1b[4h\x1b[?7l"); // a terminal in other modes
			copy.feed(screen.paint());
			BOOST_TEST(copy.cursorAndPen() == screen.cursorAndPen());
			screen.feed(c.after);
			copy.feed(c.after);
			BOOST_TEST(screen.rowText(0) == c.row0);
			BOOST_TEST(copy.text() == screen.text());
			BOOST_TEST(copy.cursorAndPen() == screen.cursorAndPen());
		}
	}
	// Origin mode: the row counts from the region's top.
	VirtualScreen screen(10, 4);
	screen.feed("\x1b[2;3r\x1b[?6h\x1b[1;1Hz");
	BOOST_TEST(screen.rowText(1) == "z");
	// A screen in the default modes paints none.
	VirtualScreen plain(10, 4);
	plain.feed("text");
	BOOST_TEST(plain.cursorAndPen() == "\x1b[1;5H\x1b[0m\x1b[?25h");
}

BOOST_AUTO_TEST_CASE(paint_row_redraws_one_row)
{
	VirtualScreen screen(20, 3);
	screen.feed("one\r\n\x1b[7mtwo\x1b[0m\r\nthree");
	VirtualScreen copy(20, 3);
	copy.feed("xxxxxxxxxx\r\nyyyyyyyyyyyy\r\nzzz");
	copy.feed(screen.paintRow(1));
	BOOST_TEST(copy.rowText(1) == "two");
	BOOST_TEST(copy.rowText(0) == "xxxxxxxxxx");
	// A row beyond the screen (on a taller terminal) is erased.
	VirtualScreen taller(20, 10);
	taller.feed("\x1b[8;1Hstatus");
	taller.feed(screen.paintRow(7));
	BOOST_TEST(taller.rowText(7) == "");
}

BOOST_AUTO_TEST_CASE(changed_rows_are_reported_once)
{
	VirtualScreen screen(10, 3);
	screen.takeChangedRows();
	screen.feed("\x1b[2;1Habc");
	BOOST_TEST(screen.takeChangedRows() == std::vector<unsigned>{1},
		   boost::test_tools::per_element());
	BOOST_TEST(screen.takeChangedRows().empty());
	// Scrolling moves every row.
	screen.feed("\r\n\r\n\r\n");
	BOOST_TEST(screen.takeChangedRows().size() == 3u);
}

BOOST_AUTO_TEST_CASE(newline_mode_returns_the_carriage)
{
	VirtualScreen screen(10, 3);
	screen.feed("ab\ncd");
	BOOST_TEST(screen.rowText(1) == "  cd");
	screen.clear();
	screen.setNewlineMode(true);
	screen.feed("ab\ncd");
	BOOST_TEST(screen.rowText(1) == "cd");
	// Kept over clear(), as the player's snapshots need.
	screen.clear();
	screen.feed("ab\ncd");
	BOOST_TEST(screen.rowText(1) == "cd");
}

BOOST_AUTO_TEST_CASE(repeat_before_any_character_does_not_hang)
{
	// libvterm 0.1.4 loops for ever on REP (CSI b) with nothing printed
	// before (found by tests/fuzz/fuzz_screen): output a recorded user
	// controls must not hang the player. A hang fails by the timeout.
	VirtualScreen screen(20, 3);
	screen.feed("\x1b[5;10524b");
	screen.feed("\x1b[b\x1b[3");
	screen.feed("b");
	BOOST_TEST(screen.text().empty());
	// After a character REP repeats it.
	screen.feed("x\x1b[2b");
	BOOST_TEST(screen.rowText(0) == "xxx");
	// The character is the last printed, across a run of plain text with
	// tabs and line ends (taken in one step) and multi-byte characters.
	VirtualScreen runs(20, 4);
	runs.feed("ab\t\r\n\x1b[2b\r\n\xc3\xa9"
		  "a\x1b[b\r\na\xc3\xa9");
	runs.feed("\x1b[b");
	BOOST_TEST(runs.rowText(1) == "bb");
	BOOST_TEST(runs.rowText(2) == "\xc3\xa9"
				      "aa");
	BOOST_TEST(runs.rowText(3) == "a\xc3\xa9\xc3\xa9");
	// A combining mark alone as the character to repeat, and a count in
	// the millions: libvterm looped for ever, and the count must not
	// cost seconds (fuzz_screen found the first). A hang fails by the
	// timeout.
	VirtualScreen mark(21, 7);
	mark.feed("\xcc\x81\x1b[5910524b\r\nok");
	BOOST_TEST(mark.rowText(1) == "ok");
	// A large count wraps and scrolls as xterm does; the screen after
	// it is the one the whole count gives (period cols * cols / 2).
	VirtualScreen big(7, 3), exact(7, 3);
	big.feed("ab\x1b[1000003b.");
	exact.feed("ab" + std::string(1000003, 'b') + ".");
	BOOST_TEST(big.text() == exact.text());
	BOOST_TEST(big.cursorAndPen() == exact.cursorAndPen());
	VirtualScreen wide(7, 3), wideExact(7, 3);
	wide.feed("\xe4\xb8\xad\x1b[99998b.");
	std::string chars;
	for (int n = 0; n < 99999; n++)
		chars += "\xe4\xb8\xad";
	wideExact.feed(chars + ".");
	BOOST_TEST(wide.text() == wideExact.text());
	BOOST_TEST(wide.cursorAndPen() == wideExact.cursorAndPen());
	// More arguments than libvterm keeps (it wrote past its array; the
	// sanitizer build catches that): the sequence is dropped, the text
	// after it shows.
	screen.feed("\x1b[" + std::string(40, ';') + "1mafter");
	BOOST_TEST(screen.rowText(0) == "xxxafter");
	// The same after a string ended by ESC and a control, and after
	// ESC # (libvterm starts a CSI at '[' there).
	screen.feed("\x1b_junk\x1b\x06[" + std::string(20, ';') + "m");
	screen.feed("\x1b#[" + std::string(20, ';') + "m");
	// Sixteen SGR arguments still work.
	screen.feed("\r\n\x1b[0;1;4;38;2;255;0;0;48;2;0;0;255;7;9mtrue\x1b[m");
	BOOST_TEST(screen.rowText(1) == "true");
	// A C1 control as a UTF-8 character (U+0081), then erasing: libvterm
	// printed it with width -1 and wrote outside its screen (SIGSEGV,
	// found by fuzzing). Shown as U+FFFD, as invalid bytes are.
	VirtualScreen c1(51, 4);
	c1.feed("\x1a\xc2\x81\x1b[5X");
	c1.feed("\xc2\x9b"
		"31m");
	BOOST_TEST(c1.rowText(0) == "\ufffd\ufffd31m");
	// One column and a wide character: libvterm crashed there.
	VirtualScreen narrow(1, 2);
	narrow.feed("\xe4\xb8\xad\xe4\xb8\xad\x1b[1;1H\x1b[2@\x1b[P");
	BOOST_TEST(narrow.cols() == 2u);
}

BOOST_AUTO_TEST_CASE(resize_keeps_what_fits)
{
	VirtualScreen screen(10, 3);
	screen.feed("abcdefghij\r\nsecond");
	screen.resize(5, 4);
	BOOST_TEST(screen.cols() == 5u);
	BOOST_TEST(screen.rows() == 4u);
	BOOST_TEST(screen.rowText(0) == "abcde");
	screen.clear();
	BOOST_TEST(screen.text().empty());
	BOOST_TEST(screen.rows() == 4u);
}

namespace {

// Lines of text to scroll a screen many times over, in changing colours,
// with wide characters and combining marks, a line longer than the
// screen, and lines starting with a combining mark (kept from joining a
// character passed over only if the run is cut elsewhere).
std::string scrollingLines(int count)
{
	std::string out;
	for (int i = 0; i < count; i++) {
		if (i % 7 == 3)
			out +=
			    "\x1b[3" + std::to_string(i % 8) + ";4" + std::to_string(i % 5) + "m";
		if (i % 11 == 5)
			out += "\xcc\x81";
		out += "line " + std::to_string(i) + "\tcaf\xc3\xa9 \xe4\xb8\xad";
		if (i % 13 == 0)
			out += std::string(45, 'w');
		if (i % 9 == 4)
			out += "\x1b[0m";
		out += "\r\n";
	}
	return out;
}

// Feeds @p pieces to a screen that passes over scrolled-off lines and to
// one that does not, and checks that both show the same after each;
// returns how many bytes the first passed over.
std::uint64_t passOverMatches(unsigned cols, unsigned rows, const std::vector<std::string> &pieces)
{
	VirtualScreen fast(cols, rows), plain(cols, rows);
	fast.passOverScrolledOff(true);
	for (const auto &piece : pieces) {
		fast.feed(piece);
		plain.feed(piece);
		BOOST_TEST(fast.paint() == plain.paint());
		BOOST_TEST(fast.text() == plain.text());
		BOOST_TEST(fast.cursorAndPen() == plain.cursorAndPen());
	}
	return fast.passedOver();
}

// What follows in each case: output that lands where the cursor and the
// pen were left, and moves about the screen.
const std::string kAfter = "tail\x1b[2Ax\x1b[1;3Hy\x1b[J\x1b[44mz\r\n\x1b[K";

} // namespace

BOOST_AUTO_TEST_CASE(lines_scrolled_off_are_passed_over_to_the_same_screen)
{
	// The cursor starts mid-screen, the pen coloured.
	std::uint64_t passed = passOverMatches(
	    20, 6, {"\x1b[2;5H\x1b[1;31mstart", "x\r\n" + scrollingLines(200) + "last", kAfter});
	BOOST_TEST(passed > 4000u);
	// In newline mode, and run after run between other sequences.
	VirtualScreen fast(30, 4), plain(30, 4);
	fast.passOverScrolledOff(true);
	fast.setNewlineMode(true);
	plain.setNewlineMode(true);
	std::string out = scrollingLines(50) + "\x1b[H\x1b[2J\x1b]0;title\a" + scrollingLines(60) +
			  "\x1b[?1049h" + scrollingLines(70) + "\x1b[?1049l" + scrollingLines(10);
	fast.feed(out);
	plain.feed(out);
	BOOST_TEST(fast.passedOver() > 3000u);
	BOOST_TEST(fast.paint() == plain.paint());
	BOOST_TEST(fast.cursorAndPen() == plain.cursorAndPen());
}

BOOST_AUTO_TEST_CASE(lines_before_the_screen_is_erased_are_passed_over_but_the_last)
{
	// Full-screen redraws after runs of lines shorter than two screens:
	// each run but its first and last lines is passed over, the erase
	// taking what the line feeds would have.
	std::string redraw = "\x1b[1;33mcoloured\x1b[3;5Hredrawn \x1b[7mstatus\x1b[K";
	std::vector<std::string> pieces;
	for (std::string clear : {"\x1b[2J", "\x1b[H\x1b[2J", "\x1b[H\x1b[J"}) {
		// Compared after each: the redraw starts where the cursor was.
		pieces.push_back(scrollingLines(30) + "partial" + clear + redraw);
		pieces.push_back(scrollingLines(40) + clear + "\x1b[5;5Hx");
	}
	BOOST_TEST(passOverMatches(20, 24, pieces) > 2000u);
	// A double-width bottom row before a run that starts at the top, its
	// last line longer than half the row: the screens agree. (libvterm
	// 0.1.4 keeps a row's double width where the row is when the screen
	// scrolls; for a libvterm that moves it with the lines, the cursor is
	// not put on such a row in place of the line feeds: plainRows().)
	BOOST_TEST(passOverMatches(20, 6,
				   {"\x1b[6;1H\x1b#6wide\x1b[1;1H" + scrollingLines(20) +
					"last: 123456789\x1b[2Jnarrow",
				    kAfter}) > 0u);
}

BOOST_AUTO_TEST_CASE(a_drawing_erased_before_it_shows_is_passed_over)
{
	// Full-screen redraws, each erased by the next: of each, what comes
	// before its first character and from its last cursor position on is
	// drawn; the rest gives only its colour changes.
	std::string redraws;
	for (int k = 0; k < 6; k++) {
		redraws += "\x1b[H\x1b[2J\x1b[1;37;44m redraw " + std::to_string(k) + " \x1b[0m";
		for (int row = 2; row <= 12; row++)
			redraws += "\x1b[" + std::to_string(row) + ";3H\x1b[3" +
				   std::to_string(row % 7) + "mrow " + std::to_string(row) +
				   " of " + std::to_string(k) +
				   (row % 4 == 0 ? "\x1b[K\tcaf\xc3\xa9" : "");
		redraws += "\x1b[14;1H\x1b[7mstatus " + std::to_string(k) + "\x1b[K";
	}
	// Compared after text printed where the last left the cursor, in the
	// pen it left.
	BOOST_TEST(passOverMatches(30, 14, {redraws + "\x1b[2Jafter", kAfter}) > 1500u);
	// Where the last cursor position is followed by a character that is
	// not ASCII (it could join one passed over), or a row is double
	// width (cursor positions land elsewhere), it is drawn.
	BOOST_TEST(passOverMatches(
		       30, 14,
		       {"\x1b[H\x1b[2Jx" + std::string(100, 'y') + "\x1b[5;5H\xcc\x81z\x1b[2Jafter",
			kAfter}) == 0u);
	BOOST_TEST(passOverMatches(30, 14,
				   {"\x1b[3;1H\x1b#6\x1b[Hx" + std::string(100, 'y') +
					"\x1b[3;5Hzzzzzzzzzzzzzzzzzz\x1b[2Jafter",
				    kAfter}) == 0u);
}

BOOST_AUTO_TEST_CASE(lines_are_not_passed_over_where_they_would_not_scroll_off)
{
	std::string lines = scrollingLines(100);
	// A scroll region: the rows outside it stay.
	BOOST_TEST(passOverMatches(20, 6, {"top\x1b[3;5r\x1b[5;1H" + lines, kAfter}) == 0u);
	// Left and right margins: the columns outside them stay.
	BOOST_TEST(passOverMatches(20, 6, {"abcdefghij\x1b[?69h\x1b[3;6s" + lines, kAfter}) == 0u);
	// Inside a string, opened in an earlier piece: the lines are the
	// title's, nothing scrolls.
	BOOST_TEST(passOverMatches(20, 6, {"\x1b]0;", lines + "\a", kAfter}) == 0u);
	// Too few lines for the screen.
	BOOST_TEST(passOverMatches(20, 60, {lines, kAfter}) == 0u);
	// With scrollback, the lines would be missing from it.
	VirtualScreen kept(20, 6, 100);
	kept.passOverScrolledOff(true);
	kept.feed(lines);
	BOOST_TEST(kept.passedOver() == 0u);
	BOOST_TEST(kept.scrollback().size() == 100u); // the bound: all went there
}

BOOST_AUTO_TEST_SUITE_END()
