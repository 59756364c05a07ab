// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE asciicast_reader
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/json/json_ref.hpp"
#include "tlog/source/asciicast_reader.hpp"
#include "tlog/source/mem_reader.hpp"
#include "tlog/source/reader_factory.hpp"

using tlog::json::JsonRef;
using tlog::source::AsciicastReader;

namespace {

const std::string kHeader = R"({"version": 2, "width": 80, "height": 24})";

// Every message the reader yields for @p content, parsed.
std::vector<JsonRef> readAll(const std::string &content, std::string name = "rec.cast")
{
	tlog::test::TempDir dir;
	auto path = dir / name;
	tlog::test::writeFile(path, content);
	AsciicastReader reader(path.string());
	std::vector<JsonRef> messages;
	while (auto raw = reader.read()) {
		BOOST_TEST(raw->location.find(path.string() + ":") == 0);
		messages.push_back(JsonRef::parse(raw->text));
	}
	BOOST_TEST(reader.finished());
	return messages;
}

std::string field(const JsonRef &message, const char *name)
{
	auto value = message.member(name);
	BOOST_REQUIRE_MESSAGE(value, "no field " << name);
	if (value->type() == tlog::json::JsonType::String)
		return std::string(value->asString());
	return value->toString();
}

} // namespace

BOOST_AUTO_TEST_CASE(asciicast_header_and_events_become_messages)
{
	auto messages = readAll(
	    R"({"version": 2, "width": 100, "height": 40, "timestamp": 1700000000, )"
	    R"("title": "t", "idle_time_limit": 2, "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"}})"
	    "\n"
	    R"([0.5, "o", "h\u00e9llo\r\n"])"
	    "\n\n" // blank lines are skipped
	    R"([0.75, "i", "ls\r"])"
	    "\n"
	    R"([0.7504, "m", "a marker"])"
	    "\n"
	    R"([1.2345, "r", "120x50"])"
	    "\n"
	    R"([1.2346, "o", "\"q\"\t\u001b[0m"])"
	    "\n"
	    R"([3, "o", ""])"
	    "\n",
	    "demo.cast");
	BOOST_REQUIRE(messages.size() == 1u);
	const auto &m = messages[0];
	BOOST_TEST(field(m, "ver") == "2.3");
	BOOST_TEST(field(m, "rec") == "demo.cast");
	BOOST_TEST(field(m, "term") == "xterm-256color");
	BOOST_TEST(field(m, "host") == "");
	BOOST_TEST(field(m, "user") == "");
	BOOST_TEST(field(m, "session") == "4294967295");
	BOOST_TEST(field(m, "id") == "1");
	BOOST_TEST(field(m, "pos") == "0");
	BOOST_TEST(m.member("time")->asDouble() == 1700000000.0);
	// Times in ms, rounded; the header's size first; markers and empty
	// output leave nothing.
	BOOST_TEST(field(m, "timing") == "=100x40+500>7+250<3+485=120x50>8");
	BOOST_TEST(field(m, "out_txt") == "h\xc3\xa9llo\r\n\"q\"\t\x1b[0m");
	BOOST_TEST(field(m, "in_txt") == "ls\r");
	BOOST_TEST(field(m, "in_bin") == "[]");
	BOOST_TEST(field(m, "out_bin") == "[]");
}

BOOST_AUTO_TEST_CASE(asciicast_minimal_header_and_no_events)
{
	// No timestamp: no "time"; no env: an empty term.
	auto messages = readAll(kHeader + "\n");
	BOOST_REQUIRE(messages.size() == 1u);
	BOOST_TEST(!messages[0].member("time"));
	BOOST_TEST(field(messages[0], "term") == "");
	BOOST_TEST(field(messages[0], "timing") == "=80x24");
}

BOOST_AUTO_TEST_CASE(asciicast_events_are_gathered_into_messages_of_a_payload)
{
	// 2000 events of 10 characters each: several messages, each starting
	// with the window, ids counting up, pos at its first event, and every
	// character in exactly one of them.
	std::string content = R"({"version": 2, "width": 80, "height": 24, "timestamp": 1.5})"
			      "\n";
	for (int i = 0; i < 2000; i++)
		content += "[" + std::to_string(i) + ".001, \"o\", \"0123456789\"]\n";
	auto messages = readAll(content);
	BOOST_TEST(messages.size() > 5u);
	std::string out;
	for (std::size_t i = 0; i < messages.size(); i++) {
		const auto &m = messages[i];
		BOOST_TEST(field(m, "id") == std::to_string(i + 1));
		auto timing = field(m, "timing");
		BOOST_TEST(timing.rfind("=80x24", 0) == 0);
		BOOST_TEST(timing.size() + field(m, "out_txt").size() <
			   tlog::source::kCastPayload + 40);
		if (i > 0) {
			// A later message starts at its first event: i.001 s.
			auto pos = std::stoull(field(m, "pos"));
			BOOST_TEST(pos % 1000 == 1u);
			BOOST_TEST(std::abs(m.member("time")->asDouble() - 1.5 -
					    static_cast<double>(pos) / 1000) < 1e-6);
		}
		out += field(m, "out_txt");
	}
	BOOST_TEST(out.size() == 20000u);
}

BOOST_AUTO_TEST_CASE(asciicast_from_the_factory)
{
	tlog::test::TempDir dir;
	auto path = dir / "f.cast";
	tlog::test::writeFile(path, kHeader + "\n[1, \"o\", \"x\"]\n");
	tlog::source::ReaderSpec spec;
	spec.type = "asciicast";
	spec.path = path.string();
	auto reader = tlog::source::makeReader(spec);
	auto first = reader->read();
	BOOST_REQUIRE(first.has_value());
	// The recording's id is the file's name (tlog-play --list shows it:
	// tests/e2e/listing.py); it is read through, having no index.
	BOOST_TEST(tlog::json::JsonRef::parse(first->text).member("rec")->asString() == "f.cast");
	BOOST_TEST(first->location == path.string() + ":1");
	BOOST_TEST(!tlog::source::hasIndex(spec.type));
	spec.path = "-";
	BOOST_TEST(tlog::source::readsStandardInput(spec));
	spec.path = path.string();

	spec.follow = true;
	BOOST_CHECK_THROW(tlog::source::makeReader(spec), tlog::base::ConfigError);
	spec.follow = false;
	spec.path.clear();
	BOOST_CHECK_THROW(tlog::source::makeReader(spec), tlog::base::ConfigError);
}

namespace {

// asciicast v1 as asciinema 1.x wrote it: one object, "stdout" holding
// [delay, data] frames, each delay since the frame before.
const std::string kV1Compact =
    R"({"version": 1, "width": 100, "height": 30, "duration": 3.5, "command": "/bin/sh", )"
    R"("title": "", "env": {"TERM": "screen", "SHELL": "/bin/sh"}, "stdout": )"
    R"([[0.25, "h\u00e9"], [1.0, "llo\r\n"], [0.0014, "x"], [2.2486, "y"]]})"
    "\n";

// The same, pretty-printed as the format's documentation shows it, with
// "stdout" before the size and a blank line inside.
const std::string kV1Pretty = R"({
  "version": 1,
  "stdout": [
    [
      0.25,
      "h\u00e9"
    ],

    [
      1.0,
      "llo\r\n"
    ],
    [0.0014, "x"],
    [
      2.2486,
      "y"
    ]
  ],
  "width": 100,
  "height": 30,
  "duration": 3.5,
  "command": "/bin/sh",
  "title": "",
  "env": {
    "TERM": "screen",
    "SHELL": "/bin/sh"
  }
}
)";

// asciicast v3 as asciinema 3 writes it: a "term" object, intervals
// since the previous event, comments, "x" (exit status) at the end.
const std::string kV3 =
    R"({"version": 3, "term": {"cols": 90, "rows": 30, "type": "xterm-256color", )"
    R"x("version": "VTE(7802)"}, "timestamp": 1700000000, "idle_time_limit": 1.5, )x"
    R"("command": "sh", "title": "Demo", "env": {"SHELL": "/bin/zsh"}})"
    "\n# event stream follows the header\n"
    R"([0.248, "o", "hi\r\n"])"
    "\n"
    R"([1.001, "i", "ls\r"])"
    "\n"
    R"([3.5, "m", ""])"
    "\n"
    R"([0.143, "o", "Now... "])"
    "\n# terminal window resized to 100 cols and 40 rows\n"
    R"([2.05, "r", "100x40"])"
    "\n"
    R"([1.541, "o", "Bye!"])"
    "\n"
    R"([0.25, "z", "an event code of a later version"])"
    "\n"
    R"([0.887, "x", "0"])"
    "\n";

} // namespace

BOOST_AUTO_TEST_CASE(asciicast_v1_compact_and_pretty)
{
	for (const auto *content : {&kV1Compact, &kV1Pretty}) {
		BOOST_TEST_CONTEXT((content == &kV1Compact ? "compact" : "pretty"))
		{
			auto messages = readAll(*content, "old.json");
			BOOST_REQUIRE(messages.size() == 1u);
			const auto &m = messages[0];
			BOOST_TEST(field(m, "rec") == "old.json");
			BOOST_TEST(field(m, "term") == "screen");
			BOOST_TEST(field(m, "pos") == "0");
			BOOST_TEST(!m.member("time")); // v1 has no timestamp
			// Delays add up (in microseconds, then rounded to ms).
			BOOST_TEST(field(m, "timing") == "=100x30+250>2+1000>5+1>1+2249>1");
			BOOST_TEST(field(m, "out_txt") == "h\xc3\xa9llo\r\nxy");
			BOOST_TEST(field(m, "in_txt") == "");
		}
	}
}

BOOST_AUTO_TEST_CASE(asciicast_v1_of_many_frames_is_read_in_messages)
{
	std::string content = R"({"version": 1, "width": 80, "height": 24, "stdout": [)";
	for (int i = 0; i < 2000; i++)
		content += std::string(i ? ",\n" : "\n") + "  [0.001, \"0123456789\"]";
	content += "\n]}\n";
	auto messages = readAll(content);
	BOOST_TEST(messages.size() > 5u);
	std::string out;
	for (std::size_t i = 0; i < messages.size(); i++) {
		BOOST_TEST(field(messages[i], "id") == std::to_string(i + 1));
		out += field(messages[i], "out_txt");
	}
	BOOST_TEST(out.size() == 20000u);
	BOOST_TEST(field(messages.back(), "timing").find("+1>10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(asciicast_v3_intervals_term_and_events)
{
	auto messages = readAll(kV3, "new.cast");
	BOOST_REQUIRE(messages.size() == 1u);
	const auto &m = messages[0];
	BOOST_TEST(field(m, "term") == "xterm-256color");
	BOOST_TEST(m.member("time")->asDouble() == 1700000000.0);
	// 0.248, then +1.001, +3.5 (a marker), +0.143, +2.05, +1.541; the
	// unknown "z" and the exit status "x" leave nothing.
	BOOST_TEST(field(m, "timing") == "=90x30+248>4+1001<3+3643>7+2050=100x40+1541>4");
	BOOST_TEST(field(m, "out_txt") == "hi\r\nNow... Bye!");
	BOOST_TEST(field(m, "in_txt") == "ls\r");

	// The minimal header; without term.type, env.TERM names the terminal.
	auto minimal = readAll("{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}, "
			       "\"env\": {\"TERM\": \"vt100\"}}\n[1, \"o\", \"a\"]\n");
	BOOST_REQUIRE(minimal.size() == 1u);
	BOOST_TEST(field(minimal[0], "term") == "vt100");
	BOOST_TEST(field(minimal[0], "timing") == "=80x24+1000>1");
}

BOOST_AUTO_TEST_CASE(asciicast_idle_time_limit_from_the_header)
{
	using std::chrono::microseconds;
	struct Case {
		const char *what;
		std::string content;
		std::optional<microseconds> limit;
	};
	const std::vector<Case> cases = {
	    {"v2", R"({"version": 2, "width": 80, "height": 24, "idle_time_limit": 2})",
	     microseconds(2000000)},
	    {"v2 fraction", R"({"version": 2, "width": 80, "height": 24, "idle_time_limit": 0.25})",
	     microseconds(250000)},
	    {"v3", kV3, microseconds(1500000)},
	    {"none", kHeader, std::nullopt},
	    {"null", R"({"version": 2, "width": 80, "height": 24, "idle_time_limit": null})",
	     std::nullopt},
	    {"0 keeps every pause",
	     R"({"version": 2, "width": 80, "height": 24, "idle_time_limit": 0})", std::nullopt},
	    {"v1 has none (asciinema ignores one there)",
	     R"({"version": 1, "width": 80, "height": 24, "idle_time_limit": 1, "stdout": []})",
	     std::nullopt},
	};
	for (const auto &c : cases) {
		BOOST_TEST_CONTEXT(c.what)
		{
			tlog::test::TempDir dir;
			auto path = (dir / "idle.cast").string();
			tlog::test::writeFile(path, c.content + "\n");
			// Asked before the first read(): the header is read for it,
			// and the messages are the same.
			AsciicastReader reader(path);
			BOOST_TEST((reader.idleLimit() == c.limit));
			auto first = reader.read();
			BOOST_REQUIRE(first.has_value());
			BOOST_TEST(first->location == path + ":1");
			BOOST_TEST(field(JsonRef::parse(first->text), "timing").rfind("=", 0) ==
				   0u);
			BOOST_TEST((reader.idleLimit() == c.limit));
			// Through the Reader interface, as the player asks.
			tlog::source::ReaderSpec spec;
			spec.type = "asciicast";
			spec.path = path;
			BOOST_TEST((tlog::source::makeReader(spec)->idleLimit() == c.limit));
		}
	}
	// Other readers ask for none.
	tlog::source::MemReader mem({});
	BOOST_TEST(!mem.idleLimit().has_value());
}

BOOST_AUTO_TEST_CASE(asciicast_idle_limit_waits_for_the_header_on_a_pipe)
{
	int fds[2];
	BOOST_REQUIRE(::pipe(fds) == 0);
	AsciicastReader reader("/proc/self/fd/" + std::to_string(fds[0]));
	::close(fds[0]); // the reader opened its own
	// The header comes in pieces, after idleLimit() started waiting.
	std::thread writer([fd = fds[1]] {
		const std::string content =
		    "{\"version\": 3, \"term\": {\"cols\": 80, "
		    "\"rows\": 24}, \"idle_time_limit\": 0.5}\n[1, \"o\", \"a\"]\n";
		for (std::size_t i = 0; i < content.size(); i += 7)
			BOOST_REQUIRE(::write(fd, content.data() + i,
					      std::min<std::size_t>(7, content.size() - i)) > 0);
		::close(fd);
	});
	auto limit = reader.idleLimit();
	writer.join();
	BOOST_TEST((limit == std::chrono::microseconds(500000)));
	// Everything was written: reading runs to the end without waiting.
	std::string timing;
	for (;;) {
		auto raw = reader.read();
		if (!raw && reader.finished())
			break;
		BOOST_REQUIRE(raw.has_value());
		timing += field(JsonRef::parse(raw->text), "timing");
	}
	BOOST_TEST(timing == "=80x24+1000>1");
}

BOOST_AUTO_TEST_CASE(asciicast_v1_is_read_whole_up_to_a_bound)
{
	// The bound of one line bounds a v1 object over many lines too.
	std::string content = "{\"version\": 1, \"width\": 80, \"height\": 24, \"stdout\": [\n";
	for (int i = 0; i < 200; i++)
		content += "  [0.5, \"0123456789\"],\n";
	content += "  [0.5, \"end\"]\n]}\n";
	tlog::test::TempDir dir;
	auto path = (dir / "big.json").string();
	tlog::test::writeFile(path, content);
	{
		AsciicastReader reader(path, content.size());
		std::size_t messages = 0;
		while (reader.read())
			messages++;
		BOOST_TEST(messages == 2u);
	}
	AsciicastReader reader(path, 1000);
	std::string what;
	try {
		while (reader.read()) {
		}
	} catch (const tlog::base::FormatError &e) {
		what = e.what();
	}
	// Line 1 has 53 bytes, the others 22 and a newline: line 43 passes
	// 1000.
	BOOST_TEST(what == path + ":43: the JSON object that starts on line 1 is longer than 1000 "
				  "bytes (an asciicast v1 file is read whole, up to that)");
}

BOOST_AUTO_TEST_CASE(asciicast_malformed_files_name_their_line)
{
	struct Case {
		const char *what;
		std::string content;
		int line; ///< 0: the error names the file without a line
		const char *message;
	};
	const std::string h = kHeader + "\n";
	const std::string h3 = "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n";
	const std::string v1 = "{\"version\": 1, \"width\": 80, \"height\": 24, \"stdout\": ";
	const std::vector<Case> cases = {
	    {"empty file", "", 0, "empty, no asciicast header"},
	    {"only blank lines", "\n  \n", 0, "empty, no asciicast header"},
	    {"header not JSON", "not json\n", 1,
	     "not an asciicast header: the file must start with a JSON object"},
	    {"header an array", "[2, 80, 24]\n", 1, "the file must start with a JSON object"},
	    {"header a comment", "# c\n" + h3, 1, "the file must start with a JSON object"},
	    {"header bad JSON", "{\"version\": 2, \"width\": 80,}\n", 1,
	     "not an asciicast header (invalid JSON"},
	    {"header text after it", "{\"version\": 2, \"width\": 80, \"height\": 24} x\n", 1,
	     "text after the header's JSON object"},
	    {"no version", "{\"width\": 80, \"height\": 24}\n", 1, "no \"version\""},
	    {"version 4", "{\"version\": 4, \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast version 4 is not supported (this reads versions 1, 2 and 3)"},
	    {"version a string", "{\"version\": \"2\", \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast version \"2\" is not supported"},
	    {"v2 header over two lines", "{\"version\": 2,\n\"width\": 80, \"height\": 24}\n", 1,
	     "an asciicast v2 header must be one line (this one ends on line 2)"},
	    {"no width", "{\"version\": 2, \"height\": 24}\n", 1, "header has no \"width\""},
	    {"no height", "{\"version\": 2, \"width\": 80}\n", 1, "header has no \"height\""},
	    {"width 0", "{\"version\": 2, \"width\": 0, \"height\": 24}\n", 1,
	     "\"width\" must be an integer from 1 to 65535"},
	    {"height too big", "{\"version\": 2, \"width\": 80, \"height\": 70000}\n", 1,
	     "\"height\" must be an integer from 1 to 65535"},
	    {"width a float", "{\"version\": 2, \"width\": 80.5, \"height\": 24}\n", 1,
	     "\"width\" must be an integer"},
	    {"bad timestamp",
	     "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": \"x\"}\n", 1,
	     "\"timestamp\" must be Unix seconds"},
	    {"env not an object",
	     "{\"version\": 2, \"width\": 80, \"height\": 24, \"env\": \"TERM=xterm\"}\n", 1,
	     "\"env\" must be an object"},
	    {"idle_time_limit a string",
	     "{\"version\": 2, \"width\": 80, \"height\": 24, \"idle_time_limit\": \"2\"}\n", 1,
	     "\"idle_time_limit\" must be a number of seconds from 0, not \"2\""},
	    {"idle_time_limit negative",
	     "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}, \"idle_time_limit\": -1}\n",
	     1, "\"idle_time_limit\" must be a number of seconds from 0"},
	    {"event not JSON", h + "[1, \"o\", \"a\"]\n[2, \"o\"\n", 3, "invalid JSON"},
	    {"event an object", h + "{\"t\": 1}\n", 2, "must be an array [time, code, data]"},
	    {"event of two", h + "[1, \"o\"]\n", 2, "must be an array [time, code, data]"},
	    {"event of four", h + "[1, \"o\", \"a\", \"b\"]\n", 2, "must be an array"},
	    {"time a string", h + "[\"1\", \"o\", \"a\"]\n", 2, "event time must be a number"},
	    {"time negative", h + "[-0.5, \"o\", \"a\"]\n", 2, "event time must be a number"},
	    {"time huge", h + "[1e300, \"o\", \"a\"]\n", 2, "event time must be a number"},
	    {"time goes back",
	     h + "[1, \"o\", \"a\"]\n\n[2.5, \"o\", \"b\"]\n[2.25, \"o\", \"c\"]\n", 5,
	     "event time 2.25 goes back from the previous event's 2.5"},
	    {"code not a string", h + "[1, 111, \"a\"]\n", 2, "event code must be a string"},
	    {"unknown code", h + "[1, \"x\", \"a\"]\n", 2, "unknown event code \"x\""},
	    {"a comment in v2", h + "# c\n", 2, "invalid JSON"},
	    {"data not a string", h + "[1, \"o\", 42]\n", 2, "event data must be a string"},
	    {"data not UTF-8", h + "[1, \"o\", \"a\xff\"]\n", 2, "event data is not valid UTF-8"},
	    {"resize without x", h + "[1, \"r\", \"80\"]\n", 2,
	     "a resize event needs \"COLSxROWS\""},
	    {"resize of 0", h + "[1, \"r\", \"0x24\"]\n", 2, "a resize event needs"},
	    {"resize too big", h + "[1, \"r\", \"80x65536\"]\n", 2, "a resize event needs"},
	    {"resize signed", h + "[1, \"r\", \"+80x24\"]\n", 2, "a resize event needs"},
	    // v3: intervals, not times.
	    {"v3 without term", "{\"version\": 3, \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast v3 header has no \"term\""},
	    {"v3 term not an object", "{\"version\": 3, \"term\": \"xterm\"}\n", 1,
	     "\"term\" must be an object"},
	    {"v3 term cols 0", "{\"version\": 3, \"term\": {\"cols\": 0, \"rows\": 24}}\n", 1,
	     "\"term\": \"cols\" must be an integer from 1 to 65535"},
	    {"v3 term type a number",
	     "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24, \"type\": 1}}\n", 1,
	     "\"term\": \"type\" must be a UTF-8 string"},
	    {"v3 interval negative", h3 + "# c\n[1, \"o\", \"a\"]\n[-0.5, \"o\", \"b\"]\n", 4,
	     "event interval must be a number of seconds from 0, not -0.5"},
	    {"v3 interval huge", h3 + "[1e300, \"o\", \"a\"]\n", 2,
	     "event interval must be a number of seconds from 0"},
	    {"v3 intervals past the limit", h3 + "[6e8, \"o\", \"a\"]\n[6e8, \"o\", \"b\"]\n", 3,
	     "the recording runs past 1000000000 seconds"},
	    {"v3 empty code", h3 + "[1, \"\", \"a\"]\n", 2, "event code must not be empty"},
	    {"v3 exit status not a string", h3 + "[1, \"x\", 0]\n", 2,
	     "event data must be a string"},
	    {"v3 event of two", h3 + "[1, \"o\"]\n", 2, "must be an array [interval, code, data]"},
	    {"v3 bad resize", h3 + "[1, \"r\", \"80\"]\n", 2, "a resize event needs"},
	    // v1: one object, frames in "stdout".
	    {"v1 cut short", "{\n  \"version\": 1,\n", 1,
	     "the JSON object that starts here is cut short by the end of the file"},
	    {"v1 without stdout", "{\"version\": 1, \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast v1 needs a \"stdout\" array of frames"},
	    {"v1 stdout an object", v1 + "{}}\n", 1, "asciicast v1 needs a \"stdout\" array"},
	    {"v1 without width", "{\"version\": 1, \"height\": 24, \"stdout\": []}\n", 1,
	     "header has no \"width\""},
	    {"v1 frame of three", v1 + "[\n[1, \"a\"],\n[1, \"b\", 2]\n]}\n", 3,
	     "an asciicast v1 frame must be an array [delay, data]"},
	    {"v1 frame after a blank line", v1 + "[\n[1, \"a\"],\n\n\n[1, 2]]}\n", 5,
	     "frame data must be a string"},
	    {"v1 delay negative", v1 + "[[1, \"a\"], [-1, \"b\"]]}\n", 1,
	     "frame delay must be a number of seconds from 0, not -1"},
	    {"v1 delays past the limit", v1 + "[[6e8, \"a\"],\n [6e8, \"b\"]]}\n", 2,
	     "the recording runs past 1000000000 seconds"},
	    {"v1 data not UTF-8", v1 + "[[1, \"\xc3\"]]}\n", 1, "frame data is not valid UTF-8"},
	    {"v1 frame not JSON", v1 + "[[1, \"a\"],\n [1, \"b\" x]]}\n", 2, "invalid JSON"},
	    {"v1 trailing comma", v1 + "[[1, \"a\"],\n]}\n", 2, "a frame must follow ','"},
	    {"v1 no comma", v1 + "[[1, \"a\"]\n [1, \"b\"]]}\n", 2,
	     "expected ',' or ']' after a frame"},
	    {"v1 brackets crossed", v1 + "[[1, \"a\"}]}\n", 1, "invalid JSON"},
	    {"v1 text after it", v1 + "[]}\nmore\n", 2, "text after the asciicast v1 object"},
	};
	for (const auto &c : cases) {
		BOOST_TEST_CONTEXT(c.what)
		{
			tlog::test::TempDir dir;
			auto path = (dir / "bad.cast").string();
			tlog::test::writeFile(path, c.content);
			std::string what;
			try {
				AsciicastReader reader(path);
				while (reader.read()) {
				}
			} catch (const tlog::base::FormatError &e) {
				what = e.what();
			}
			std::string where =
			    c.line == 0 ? path + ": " : path + ":" + std::to_string(c.line) + ": ";
			BOOST_TEST(what.rfind(where, 0) == 0,
				   "error '" << what << "' does not start with '" << where << "'");
			BOOST_TEST(what.find(c.message) != std::string::npos,
				   "error '" << what << "' does not say '" << c.message << "'");
		}
	}
}
