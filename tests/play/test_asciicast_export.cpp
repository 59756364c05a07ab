// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE asciicast_export
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/json/escape.hpp"
#include "tlog/json/json_ref.hpp"
#include "tlog/play/asciicast_export.hpp"
#include "tlog/play/command_line.hpp"
#include "tlog/play/idle_limit.hpp"
#include "tlog/source/asciicast_reader.hpp"
#include "tlog/source/mem_reader.hpp"

using namespace std::chrono_literals;
using tlog::base::Timestamp;
using tlog::codec::Packet;
using tlog::codec::PacketType;
using tlog::play::AsciicastHeader;
using tlog::play::AsciicastWriter;

namespace {

std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		out.push_back(line);
	return out;
}

// Every line is one JSON value (the header an object, events arrays).
void checkJsonLines(const std::string &text)
{
	BOOST_TEST((!text.empty() && text.back() == '\n'));
	for (const auto &line : lines(text)) {
		BOOST_CHECK_NO_THROW(tlog::json::JsonRef::parse(line));
	}
}

// A v2.3 message of recording @p rec.
std::string message(const std::string &rec, int id, int pos, const std::string &timing,
		    const std::string &outTxt, const std::string &outBin = "[]",
		    const std::string &inTxt = "")
{
	std::string m = R"({"ver":"2.3","host":"h","rec":")" + rec +
			R"(","user":"u","term":"xterm-256color","session":1,"id":)" +
			std::to_string(id) + ",\"pos\":" + std::to_string(pos) +
			",\"time\":" + std::to_string(1700000000 + pos / 1000) + "." +
			std::to_string(1000 + pos % 1000).substr(1) + R"(,"timing":")" + timing +
			R"(","in_txt":")";
	tlog::json::appendEscaped(m, inTxt);
	m += R"(","in_bin":[],"out_txt":")";
	tlog::json::appendEscaped(m, outTxt);
	return m + R"(","out_bin":)" + outBin + "}";
}

// Runs exportAsciicast() into a file and returns what it wrote.
std::string exportToText(tlog::source::Reader &reader, const tlog::play::ExportOptions &options)
{
	tlog::test::TempDir dir;
	auto path = dir / "out.cast";
	tlog::base::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	BOOST_REQUIRE(fd);
	tlog::play::exportAsciicast(reader, options, fd.get());
	return tlog::test::readFile(path);
}

} // namespace

BOOST_AUTO_TEST_CASE(cast_times_have_microseconds)
{
	struct Case {
		Timestamp ts;
		const char *text;
	};
	const Case cases[] = {
	    {Timestamp(0), "0.000000"},	     {Timestamp(1ms), "0.001000"},
	    {Timestamp(1500ms), "1.500000"}, {Timestamp(3723004ms), "3723.004000"},
	    {Timestamp(999ns), "0.000000"},  {Timestamp(-5ms), "0.000000"},
	};
	for (const auto &c : cases)
		BOOST_TEST(tlog::play::formatCastTime(c.ts) == c.text);
}

BOOST_AUTO_TEST_CASE(cast_text_escapes_and_replaces_invalid_utf8)
{
	struct Case {
		const char *what;
		std::string data;
		std::string json; ///< the body of the JSON string
	};
	const std::string r = "\xEF\xBF\xBD"; // U+FFFD
	const std::vector<Case> cases = {
	    {"plain", "abc", "abc"},
	    {"escapes", "\"\\\b\f\n\r\t", R"(\"\\\b\f\n\r\t)"},
	    {"controls and DEL", std::string("\x00\x1b\x7f", 3), R"(\u0000\u001b\u007f)"},
	    {"valid multibyte", "h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
	     "h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
	    {"byte that cannot start",
	     "a\xFF"
	     "b",
	     "a" + r + "b"},
	    {"two such bytes", "\xFF\xFE", r + r},
	    {"prefix cut by a byte",
	     "\xE2\x82"
	     "A",
	     r + "A"},
	    {"prefix cut by the end", "x\xE2\x82", "x" + r},
	    {"lone continuation", "\x80", r},
	    {"overlong", "\xC0\x80", r + r},
	    {"surrogate", "\xED\xA0\x80", r + r + r},
	    {"past U+10FFFF", "\xF4\x90\x80\x80", r + r + r + r},
	    {"invalid then escape", "\xFF\n", r + "\\n"},
	};
	for (const auto &c : cases) {
		std::string out;
		tlog::play::appendCastText(out, c.data);
		BOOST_TEST(out == c.json, c.what);
		// And it is a valid JSON string body.
		BOOST_CHECK_NO_THROW(tlog::json::JsonRef::parse("\"" + out + "\""));
	}
}

BOOST_AUTO_TEST_CASE(cast_header_fields)
{
	struct Case {
		const char *what;
		AsciicastHeader header;
		std::vector<Packet> packets;
		const char *line;
	};
	// Made by a function: GCC 12 at -O3 takes a braced header in this
	// table for a maybe-uninitialized string (a false positive).
	auto header = [](std::optional<std::int64_t> timestamp, std::string term) {
		AsciicastHeader h;
		h.timestamp = timestamp;
		h.term = std::move(term);
		return h;
	};
	const std::vector<Case> cases = {
	    {"all known",
	     header(1700000000, "xterm"),
	     {Packet::window(Timestamp(0), 100, 40)},
	     R"({"version": 2, "width": 100, "height": 40, "timestamp": 1700000000, "env": {"TERM": "xterm"}})"},
	    {"no timestamp",
	     header(std::nullopt, "screen"),
	     {Packet::window(Timestamp(0), 80, 25)},
	     R"({"version": 2, "width": 80, "height": 25, "env": {"TERM": "screen"}})"},
	    {"no term",
	     header(5, ""),
	     {Packet::window(Timestamp(0), 80, 25)},
	     R"({"version": 2, "width": 80, "height": 25, "timestamp": 5})"},
	    {"no window: 80x24",
	     header(std::nullopt, ""),
	     {Packet::io(Timestamp(0), PacketType::Output, "x")},
	     R"({"version": 2, "width": 80, "height": 24})"},
	    {"0x0 is no size",
	     header(std::nullopt, ""),
	     {Packet::window(Timestamp(0), 0, 0), Packet::window(Timestamp(0), 0, 5),
	      Packet::io(Timestamp(0), PacketType::Output, "x")},
	     R"({"version": 2, "width": 80, "height": 24})"},
	    {"empty recording",
	     header(std::nullopt, "a\"b"),
	     {},
	     R"({"version": 2, "width": 80, "height": 24, "env": {"TERM": "a\"b"}})"},
	};
	for (const auto &c : cases) {
		AsciicastWriter writer(c.header);
		std::string out;
		for (const auto &p : c.packets)
			writer.add(p, out);
		writer.finish(out);
		checkJsonLines(out);
		BOOST_TEST(lines(out).at(0) == c.line, c.what);
	}
}

BOOST_AUTO_TEST_CASE(cast_event_kinds)
{
	AsciicastWriter writer({});
	std::string out;
	const std::vector<Packet> packets = {
	    Packet::window(Timestamp(0), 80, 24),
	    Packet::io(Timestamp(10ms), PacketType::Output, "$ "),
	    Packet::io(Timestamp(500ms), PacketType::Input, "l"),
	    Packet::window(Timestamp(600ms), 80, 24),		  // repeated: dropped
	    Packet::io(Timestamp(600ms), PacketType::Output, ""), // empty: dropped
	    Packet::window(Timestamp(1234ms), 120, 50),
	    Packet::io(Timestamp(2000ms), PacketType::Output, "\xFF\r\n"),
	    Packet::window(Timestamp(2001ms), 120, 50), // repeated again
	    Packet::window(Timestamp(2002ms), 80, 24),
	    Packet::window(Timestamp(2003ms), 0, 0), // unknown: dropped
	};
	for (const auto &p : packets)
		writer.add(p, out);
	writer.finish(out);
	checkJsonLines(out);
	const std::vector<std::string> expected = {
	    R"({"version": 2, "width": 80, "height": 24})",
	    R"([0.010000, "o", "$ "])",
	    R"([0.500000, "i", "l"])",
	    R"([1.234000, "r", "120x50"])",
	    "[2.000000, \"o\", \"\xEF\xBF\xBD\\r\\n\"]",
	    R"([2.002000, "r", "80x24"])",
	};
	BOOST_TEST(lines(out) == expected, boost::test_tools::per_element());
	BOOST_TEST(writer.events() == 5u);
}

BOOST_AUTO_TEST_CASE(idle_limit_maps_times)
{
	struct Case {
		const char *what;
		Timestamp limit;
		std::vector<Timestamp> in, out;
	};
	const std::vector<Case> cases = {
	    {"off", Timestamp(0), {0s, 5s, 100s}, {0s, 5s, 100s}},
	    {"short pauses kept", Timestamp(2s), {0s, 1s, 3s, 4500ms}, {0s, 1s, 3s, 4500ms}},
	    {"long pauses cut",
	     Timestamp(2s),
	     {0s, 1s, 10s, 10500ms, 60s},
	     {0s, 1s, 3s, 3500ms, 5500ms}},
	    {"first time kept", Timestamp(1s), {100s, 100s, 103s}, {100s, 100s, 101s}},
	    {"time going back", Timestamp(1s), {0s, 10s, 9s, 12s}, {0s, 1s, 0s, 1s}},
	};
	for (const auto &c : cases) {
		tlog::play::IdleLimit idle(c.limit);
		std::vector<Timestamp> out;
		for (auto ts : c.in)
			out.push_back(idle.map(ts));
		BOOST_TEST((out == c.out), c.what);
	}
}

BOOST_AUTO_TEST_CASE(cast_idle_limit_counts_from_the_start)
{
	AsciicastWriter writer({}, Timestamp(500ms));
	std::string out;
	for (auto ts : {Timestamp(3s), Timestamp(3200ms), Timestamp(10s), Timestamp(10100ms)})
		writer.add(Packet::io(ts, PacketType::Output, "x"), out);
	auto l = lines(out);
	BOOST_REQUIRE(l.size() == 5u);
	BOOST_TEST(l[1] == R"([0.500000, "o", "x"])");
	BOOST_TEST(l[2] == R"([0.700000, "o", "x"])");
	BOOST_TEST(l[3] == R"([1.200000, "o", "x"])");
	BOOST_TEST(l[4] == R"([1.300000, "o", "x"])");
}

BOOST_AUTO_TEST_CASE(export_reads_one_recording)
{
	// Two recordings interleaved in one source: the first seen (or -m)
	// is exported, the other never mixed in.
	tlog::source::MemReader reader({
	    message("A", 1, 0, "=80x24+100>3", "one"),
	    message("B", 1, 0, "=90x30>5", "other"),
	    message("A", 2, 1250, "=80x24>2]1/1<2", "tw\xEF\xBF\xBD", "[255]", "ab"),
	});
	tlog::play::ExportOptions options;
	auto text = exportToText(reader, options);
	checkJsonLines(text);
	const std::vector<std::string> expected = {
	    R"({"version": 2, "width": 80, "height": 24, "timestamp": 1700000000, "env": {"TERM": "xterm-256color"}})",
	    R"([0.100000, "o", "one"])",
	    "[1.250000, \"o\", \"tw\xEF\xBF\xBD\"]",
	    R"([1.250000, "i", "ab"])",
	};
	BOOST_TEST(lines(text) == expected, boost::test_tools::per_element());

	tlog::source::MemReader again({
	    message("A", 1, 0, "=80x24+100>3", "one"),
	    message("B", 1, 0, "=90x30>5", "other"),
	});
	options.match = "B";
	auto b = lines(exportToText(again, options));
	BOOST_REQUIRE(b.size() == 2u);
	BOOST_TEST(b[0].find("\"width\": 90, \"height\": 30") != std::string::npos);
	BOOST_TEST(b[1] == R"([0.000000, "o", "other"])");
}

BOOST_AUTO_TEST_CASE(export_errors)
{
	tlog::play::ExportOptions options;
	options.match = "C";
	tlog::source::MemReader absent({message("A", 1, 0, ">1", "x")});
	BOOST_CHECK_EXCEPTION(
	    exportToText(absent, options), std::runtime_error, [](const std::runtime_error &e) {
		    return std::string(e.what()) == "mem: no recording C (found: A)";
	    });

	// A missing message is an error naming its place, unless lax.
	options.match.clear();
	tlog::source::MemReader gap({message("A", 1, 0, ">1", "x"), message("A", 3, 5, ">1", "y")});
	BOOST_CHECK_EXCEPTION(exportToText(gap, options), tlog::base::FormatError,
			      [](const tlog::base::FormatError &e) {
				      return std::string(e.what()).rfind("mem:2: field 'id'", 0) ==
					     0;
			      });
	options.lax = true;
	tlog::source::MemReader gapLax(
	    {message("A", 1, 0, ">1", "x"), message("A", 3, 5, ">1", "y")});
	BOOST_TEST(lines(exportToText(gapLax, options)).size() == 3u);

	tlog::source::MemReader damaged({message("A", 1, 0, ">9", "x")});
	BOOST_CHECK_THROW(exportToText(damaged, options), tlog::base::FormatError);
}

BOOST_AUTO_TEST_CASE(asciicast_import_then_export_gives_the_events_back)
{
	// Distinct event times in ms, as exported: the file comes back line
	// for line through the reader and the exporter.
	const std::string cast =
	    R"({"version": 2, "width": 100, "height": 30, "timestamp": 1700000000, "env": {"TERM": "xterm"}})"
	    "\n"
	    R"([0.010000, "o", "$ "])"
	    "\n"
	    R"([0.500000, "i", "ls\r"])"
	    "\n"
	    R"([0.520000, "o", "ls\r\n\u001b[1mfile\u001b[0m \"q\"\r\n$ "])"
	    "\n"
	    R"([2.000000, "r", "80x24"])"
	    "\n"
	    R"([3.141000, "o", "h)"
	    "\xC3\xA9"
	    R"(llo"])"
	    "\n";
	tlog::test::TempDir dir;
	auto path = dir / "in.cast";
	tlog::test::writeFile(path, cast);
	tlog::source::AsciicastReader reader(path.string());
	auto text = exportToText(reader, {});
	BOOST_TEST(lines(text) == lines(cast), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(export_and_idle_limit_options)
{
	auto parse = [](std::vector<std::string> args) {
		args.insert(args.begin(), "tlog-play");
		std::vector<char *> argv;
		for (auto &a : args)
			argv.push_back(a.data());
		return tlog::play::parseCommandLine(static_cast<int>(argv.size()), argv.data());
	};
	auto cl = parse({"-i", "x.log", "--export=asciicast", "-o", "x.cast", "--idle-limit=2.5"});
	BOOST_TEST(cl.exportFormat == "asciicast");
	BOOST_TEST(cl.exportPath == "x.cast");
	tlog::conf::PlayConfig config;
	BOOST_TEST(config.idleLimit == 0.0);
	tlog::play::applyCommandLine(cl, config);
	BOOST_TEST(config.idleLimit == 2.5);
	BOOST_TEST(config.toJson().member("idle_limit")->asDouble() == 2.5);

	// As a configuration key, and -r asciicast as a reader.
	tlog::conf::PlayConfig fromText;
	fromText.loadLayers(
	    {"", std::nullopt, std::string(R"({"idle_limit": 1, "reader": "asciicast"})")});
	BOOST_TEST(fromText.idleLimit == 1.0);
	BOOST_TEST(fromText.reader == "asciicast");

	struct Bad {
		std::vector<std::string> args;
		const char *message;
	};
	const std::vector<Bad> bad = {
	    {{"--export=webm"}, "--export: unknown format 'webm' (known: asciicast, text)"},
	    {{"--list-matches"}, "--list-matches needs --search=PATTERN"},
	    {{"--search=x", "--list-matches", "--list"},
	     "--list-matches goes with neither --list nor --export"},
	    {{"-o", "x.cast"}, "-o/--output is for --export"},
	    {{"--export=asciicast", "--list"}, "--export and --list do not go together"},
	    {{"--export"}, "option --export needs a value"},
	};
	for (const auto &b : bad) {
		std::string what;
		try {
			parse(b.args);
		} catch (const tlog::base::UsageError &e) {
			what = e.what();
		}
		BOOST_TEST(what == b.message);
	}
	for (const char *value : {"-1", "86401", "x"}) {
		tlog::conf::PlayConfig c;
		BOOST_CHECK_THROW(
		    tlog::play::applyCommandLine(parse({std::string("--idle-limit=") + value}), c),
		    tlog::base::UsageError);
	}
}
