// SPDX-License-Identifier: GPL-2.0-or-later
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/json/json_ref.hpp"
#include "tlog/source/asciicast_reader.hpp"
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
	BOOST_TEST(reader->read().has_value());
	auto list = tlog::source::listRecordings(spec);
	BOOST_REQUIRE(list.size() == 1u);
	BOOST_TEST(list[0].rec == "f.cast");
	BOOST_TEST(list[0].location == path.string() + ":1");

	spec.follow = true;
	BOOST_CHECK_THROW(tlog::source::makeReader(spec), tlog::base::UsageError);
	spec.follow = false;
	spec.path.clear();
	BOOST_CHECK_THROW(tlog::source::makeReader(spec), tlog::base::UsageError);
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
	const std::vector<Case> cases = {
	    {"empty file", "", 0, "empty, no asciicast header"},
	    {"only blank lines", "\n  \n", 0, "empty, no asciicast header"},
	    {"header not JSON", "not json\n", 1, "not an asciicast v2 header (invalid JSON"},
	    {"v1 file (pretty JSON)", "{\n  \"version\": 1,\n", 1, "not an asciicast v2 header"},
	    {"header an array", "[2, 80, 24]\n", 1, "the first line must be a JSON object"},
	    {"no version", "{\"width\": 80, \"height\": 24}\n", 1, "no \"version\""},
	    {"version 1", "{\"version\": 1, \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast version 1 is not supported"},
	    {"version 3", "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n", 1,
	     "asciicast version 3 is not supported"},
	    {"version a string", "{\"version\": \"2\", \"width\": 80, \"height\": 24}\n", 1,
	     "asciicast version \"2\" is not supported"},
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
	    {"data not a string", h + "[1, \"o\", 42]\n", 2, "event data must be a string"},
	    {"data not UTF-8", h + "[1, \"o\", \"a\xff\"]\n", 2, "event data is not valid UTF-8"},
	    {"resize without x", h + "[1, \"r\", \"80\"]\n", 2,
	     "a resize event needs \"COLSxROWS\""},
	    {"resize of 0", h + "[1, \"r\", \"0x24\"]\n", 2, "a resize event needs"},
	    {"resize too big", h + "[1, \"r\", \"80x65536\"]\n", 2, "a resize event needs"},
	    {"resize signed", h + "[1, \"r\", \"+80x24\"]\n", 2, "a resize event needs"},
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
