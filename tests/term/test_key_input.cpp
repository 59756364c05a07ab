// SPDX-License-Identifier: GPL-2.0-or-later
// term::KeyInput: what a terminal sends, in reads of any size; only typed
// keys come out, never the terminal's answers.
#define BOOST_TEST_MODULE key_input
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tlog/term/key_input.hpp"

using tlog::term::Key;
using tlog::term::KeyInput;
using Kind = tlog::term::Key::Kind;

namespace {

// The keys as text: bytes as they are, the named keys in <>.
std::string show(const std::vector<Key> &keys)
{
	std::string out;
	for (const auto &key : keys) {
		switch (key.kind) {
		case Kind::Byte:
			out += key.byte;
			break;
		case Kind::Escape:
			out += "<esc>";
			break;
		case Kind::Up:
			out += "<up>";
			break;
		case Kind::Down:
			out += "<down>";
			break;
		case Kind::Right:
			out += "<right>";
			break;
		case Kind::Left:
			out += "<left>";
			break;
		}
	}
	return out;
}

// Feeds @p reads one after the other, then lets a lone ESC time out.
std::string keysOf(const std::vector<std::string> &reads)
{
	KeyInput input;
	std::vector<Key> keys;
	for (const auto &read : reads)
		input.feed(read, keys);
	input.flush(keys);
	return show(keys);
}

// What terminals answer (and report) to what a recording may ask.
const std::vector<std::string> kAnswers = {
    "\x1b[12;1R",			// cursor position (CPR)
    "\x1b[?12;1R",			// DECXCPR
    "\x1b[?1;2c",			// DA1
    "\x1b[>84;0;0c",			// DA2 (tmux)
    "\x1bP!|00000000\x1b\\",		// DA3
    "\x1b[0n",				// DSR
    "\x1bP>|tmux 3.3a\x1b\\",		// XTVERSION
    "\x1bP1$r0m\x1b\\",			// DECRQSS: SGR
    "\x1bP1$r2 q\x1b\\",		// DECRQSS: the cursor style (" q")
    "\x1bP1+r544e=787465726d\x1b\\",	// XTGETTCAP
    "\x1b]11;rgb:0000/0000/0000\x07",	// OSC 11, BEL-ended
    "\x1b]10;rgb:ffff/ffff/ffff\x1b\\", // OSC 10, ST-ended
    "\x1b]52;c;Y3VybA==\x07",		// OSC 52 read back
    "\x1b_Gi=1;OK\x1b\\",		// kitty graphics (APC)
    "\x1b[?1;2$y",			// DECRPM
    "\x1b[8;24;80t",			// the window's size
    "\x1b[?1u",				// kitty keyboard flags
    "\x1b[<0;10;5M",			// SGR mouse press
    "\x1b[<0;10;5m",			// and release
    "\x1b[M !!",			// X10 mouse: three raw bytes
    "\x1b[M\x60\x7f\x7f",		// X10 mouse, far down the screen
    "\x1b[I",				// focus in
    "\x1b[O",				// focus out
    "\x1b[200~",			// paste start
    "\x1b[201~",			// paste end
    "\x1b[2;1:3R",			// an odd parameter form
};

} // namespace

BOOST_AUTO_TEST_CASE(plain_bytes_are_keys)
{
	BOOST_TEST(keysOf({"q"}) == "q");
	BOOST_TEST(keysOf({"12G", " p}{."}) == "12G p}{.");
	BOOST_TEST(keysOf({"\x7f\b\r\x03"}) == "\x7f\b\r\x03");
	BOOST_TEST(keysOf({"/h\xc3\xa9llo\r"}) == "/h\xc3\xa9llo\r");
}

BOOST_AUTO_TEST_CASE(arrows_in_every_form)
{
	BOOST_TEST(keysOf({"\x1b[A\x1b[B\x1b[C\x1b[D"}) == "<up><down><right><left>");
	BOOST_TEST(keysOf({"\x1bOA\x1bOB\x1bOC\x1bOD"}) == "<up><down><right><left>");
	// With modifiers (shift, ctrl) and split between reads.
	BOOST_TEST(keysOf({"\x1b[1;2A", "\x1b[1;5D"}) == "<up><left>");
	BOOST_TEST(keysOf({"\x1b[", "1;2", "C"}) == "<right>");
	BOOST_TEST(keysOf({"\x1b", "OB"}) == "<down>");
	// Keys around them.
	BOOST_TEST(keysOf({"a\x1b[Ab"}) == "a<up>b");
	// Other keys' sequences are not arrows.
	BOOST_TEST(keysOf({"\x1b[H\x1b[5~"}) == "");
	BOOST_TEST(keysOf({"\x1bOP"}) == "");
	BOOST_TEST(keysOf({"\x1bOPx"}) == "x");
}

BOOST_AUTO_TEST_CASE(a_lone_escape_is_the_key)
{
	// Nothing followed: the Escape key (after the caller's timeout).
	BOOST_TEST(keysOf({"\x1b"}) == "<esc>");
	BOOST_TEST(keysOf({"x\x1b"}) == "x<esc>");
	BOOST_TEST(keysOf({"\x1b\x1b"}) == "<esc><esc>");
	// A key in the next read: Escape, then that key.
	BOOST_TEST(keysOf({"\x1b", "q"}) == "<esc>q");
	BOOST_TEST(keysOf({"\x1b", "\x1b[A"}) == "<esc><up>");
	// Alt and a key, in one read: nothing here.
	BOOST_TEST(keysOf({"\x1bq"}) == "");
	KeyInput input;
	std::vector<Key> keys;
	input.feed("\x1b", keys);
	BOOST_TEST(keys.empty());
	BOOST_TEST(input.escapePending());
	input.flush(keys);
	BOOST_TEST(show(keys) == "<esc>");
	BOOST_TEST(!input.escapePending());
}

BOOST_AUTO_TEST_CASE(answers_are_never_keys)
{
	for (const auto &answer : kAnswers) {
		BOOST_TEST(keysOf({answer}) == "", answer);
		// Split at every position, also into three.
		for (std::size_t i = 0; i <= answer.size(); i++) {
			BOOST_TEST(keysOf({answer.substr(0, i), answer.substr(i)}) == "",
				   answer << " split at " << i);
			for (std::size_t j = i; j <= answer.size(); j++)
				BOOST_TEST(keysOf({answer.substr(0, i), answer.substr(i, j - i),
						   answer.substr(j)}) == "",
					   answer << " split at " << i << ", " << j);
		}
		// Byte by byte.
		std::vector<std::string> bytes;
		for (char c : answer)
			bytes.emplace_back(1, c);
		BOOST_TEST(keysOf(bytes) == "", answer << " byte by byte");
		// Keys in a read before it count; the next read's keys too.
		BOOST_TEST(keysOf({"p" + answer, "q"}) == "pq", answer);
	}
	// All of them at once, as one burst.
	std::string all;
	for (const auto &answer : kAnswers)
		all += answer;
	BOOST_TEST(keysOf({all}) == "");
}

BOOST_AUTO_TEST_CASE(what_follows_an_answer_in_its_read_is_the_burst)
{
	// A terminal writes an answer at once: a 'q' right after it in the
	// same read is not taken (nor is a second answer's ESC left waiting).
	BOOST_TEST(keysOf({"\x1b[12;1Rq"}) == "");
	BOOST_TEST(keysOf({"\x1b[12;1Rq", "q"}) == "q");
}

BOOST_AUTO_TEST_CASE(xtversion_answers_in_256_byte_reads)
{
	// tmux answers twenty CSI > q with 300 bytes; read 256 at a time
	// (the player's old read size), the second read starts in an answer.
	std::string burst;
	for (int i = 0; i < 20; i++)
		burst += "\x1bP>|tmux 3.3a\x1b\\";
	BOOST_TEST(burst.size() == 300u);
	BOOST_TEST(keysOf({burst.substr(0, 256), burst.substr(256)}) == "");
	for (std::size_t cut = 0; cut <= burst.size(); cut++)
		BOOST_TEST(keysOf({burst.substr(0, cut), burst.substr(cut)}) == "",
			   "cut at " << cut);
	// And followed by nothing: the last read ends in a complete answer.
	KeyInput input;
	std::vector<Key> keys;
	input.feed(burst, keys);
	BOOST_TEST(keys.empty());
	BOOST_TEST(!input.escapePending());
}

BOOST_AUTO_TEST_CASE(strings_end_with_bel_st_can_sub)
{
	BOOST_TEST(keysOf({"\x1b]0;x\x07", "a"}) == "a");
	BOOST_TEST(keysOf({"\x1bPq #1\x18", "a"}) == "a");
	BOOST_TEST(keysOf({"\x1b_x\x1a", "a"}) == "a");
	// An ESC inside a string ends it and starts a sequence.
	BOOST_TEST(keysOf({"\x1b]11;?\x1b[A"}) == "");
	BOOST_TEST(keysOf({"\x1b]11;?\x1b", "[A", "z"}) == "z");
	// A huge string never ended keeps no key and no memory: all its
	// bytes are dropped until it ends.
	KeyInput input;
	std::vector<Key> keys;
	input.feed("\x1bP", keys);
	std::string chunk(65536, 'q');
	for (int i = 0; i < 64; i++)
		input.feed(chunk, keys);
	BOOST_TEST(keys.empty());
	input.feed("\x1b\\", keys);
	input.feed("q", keys);
	BOOST_TEST(show(keys) == "q");
}

BOOST_AUTO_TEST_CASE(can_and_sub_cancel_a_csi)
{
	BOOST_TEST(keysOf({"\x1b[12\x18", "q"}) == "q");
	BOOST_TEST(keysOf({"\x1b[12\x1aq"}) == "q");
	// ESC inside a CSI starts again.
	BOOST_TEST(keysOf({"\x1b[12\x1b[A"}) == "<up>");
}
