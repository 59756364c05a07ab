// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE decoder
#include <boost/test/unit_test.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "codec_util.hpp"
#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/timing.hpp"

using namespace tlog::test;
using tlog::base::FormatError;
using tlog::codec::ChunkDecoder;
using tlog::codec::Message;
using tlog::codec::parseMessage;
using tlog::codec::parseMessageFast;
using tlog::codec::parseMessageFull;
using tlog::codec::parseTiming;
using Kind = tlog::codec::TimingRecord::Kind;

namespace {

const auto kIn = PacketType::Input;
const auto kOut = PacketType::Output;

// A message as an ordered list of fields with raw JSON values, so a test
// can drop, retype or break any one of them.
struct Fields {
	std::vector<std::pair<std::string, std::string>> items = {
	    {"ver", "\"2.3\""},	  {"host", "\"vm\""},	 {"rec", "\"r-1-2\""},
	    {"user", "\"root\""}, {"term", "\"xterm\""}, {"session", "4294967295"},
	    {"id", "1"},	  {"pos", "0"},		 {"time", "1795837685.888"},
	    {"timing", "\">1\""}, {"in_txt", "\"\""},	 {"in_bin", "[]"},
	    {"out_txt", "\"a\""}, {"out_bin", "[]"},
	};
	Fields &set(const std::string &key, const std::string &raw)
	{
		for (auto &[k, v] : items)
			if (k == key) {
				v = raw;
				return *this;
			}
		items.emplace_back(key, raw);
		return *this;
	}
	Fields &drop(const std::string &key)
	{
		std::erase_if(items, [&](const auto &kv) { return kv.first == key; });
		return *this;
	}
	std::string text() const
	{
		std::string out = "{";
		for (const auto &[k, v] : items)
			out += (out.size() > 1 ? "," : "") + ("\"" + k + "\":") + v;
		return out + "}";
	}
};

Fields msg(int id, int pos, const std::string &timing, const std::string &outTxt,
	   const std::string &outBin = "[]")
{
	Fields f;
	f.set("id", std::to_string(id)).set("pos", std::to_string(pos));
	f.set("timing", "\"" + timing + "\"").set("out_txt", "\"" + outTxt + "\"");
	f.set("out_bin", outBin);
	return f;
}

// Runs @p fn, which must throw FormatError with every one of @p parts in
// its message.
template <typename Fn>
void expectError(Fn fn, const std::vector<std::string> &parts, const std::string &name)
{
	try {
		fn();
		BOOST_ERROR(name << ": accepted, should be rejected");
	} catch (const FormatError &e) {
		std::string what = e.what();
		for (const auto &p : parts)
			BOOST_TEST(what.find(p) != std::string::npos,
				   name << ": \"" << what << "\" lacks \"" << p << "\"");
	}
}

std::vector<Packet> decodeOne(const Fields &f, ChunkDecoder &dec)
{
	std::vector<Packet> out;
	dec.decode(parseMessage(f.text(), "rec.log:7"), "rec.log:7", out);
	return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(timing_script)

BOOST_AUTO_TEST_CASE(parses_every_record)
{
	auto r = parseTiming("=80x24+12<3>4[1/2]3/4+0=65535x65535");
	std::vector<tlog::codec::TimingRecord> want = {
	    {Kind::Window, 80, 24}, {Kind::Delay, 12, 0},	  {Kind::InText, 3, 0},
	    {Kind::OutText, 4, 0},  {Kind::InBinary, 1, 2},	  {Kind::OutBinary, 3, 4},
	    {Kind::Delay, 0, 0},    {Kind::Window, 65535, 65535},
	};
	BOOST_TEST((r == want));
	BOOST_TEST(parseTiming("").empty());
	BOOST_TEST(parseTiming(" \t\n ").empty());
	// Whitespace between records, not inside them.
	BOOST_TEST(parseTiming(" >1 \n<2 ").size() == 2u);
	BOOST_CHECK_THROW(parseTiming("> 1"), tlog::base::FormatError);
}

BOOST_AUTO_TEST_CASE(rejects_with_the_offset)
{
	const std::vector<std::pair<std::string, std::string>> bad = {
	    {">1x", "unexpected character 'x' at offset 2"},
	    {"+", "expected a number at offset 1"},
	    {">", "expected a number at offset 1"},
	    {"=80y24", "expected 'x' at offset 3"},
	    {"[1", "expected '/' at offset 2"},
	    {"]1/", "expected a number at offset 3"},
	    {"=65536x24", "window size beyond 65535 at offset 0"},
	    {">1=80x65536", "window size beyond 65535 at offset 2"},
	    {">-1", "expected a number at offset 1"},
	    {"\x01", "unexpected character '\\x01' at offset 0"},
	    {"+99999999999999999999", "number too large at offset 1"},
	};
	for (const auto &[script, what] : bad)
		expectError([&] { parseTiming(script); }, {what}, script);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(leniency)

BOOST_AUTO_TEST_CASE(whitespace_zero_counts_and_plus_zero)
{
	ChunkDecoder dec;
	auto out = decodeOne(msg(1, 5, " =80x24 +0 >0 <0 [0/0 ]0/0\t+2 >1\n", "a"), dec);
	checkPackets(out, {Packet::window(ms(5), 80, 24), Packet::io(ms(7), kOut, "a")});
}

BOOST_AUTO_TEST_CASE(versions_and_optional_fields)
{
	for (std::string ver : {"\"2.3\"", "\"2.2\"", "\"2.0\"", "\"2\"", "2", "\"2.10\""}) {
		auto m = parseMessage(msg(1, 0, ">1", "a").set("ver", ver).text(), "v");
		BOOST_TEST(m.verMajor == 2u, ver);
	}
	// Format 1 (tlog 2015-2017) as the reference reads it: an integer or
	// "1[.MINOR]"; also 0, which the reference lets through.
	struct Version {
		std::string ver;
		unsigned major, minor;
	};
	for (const auto &v : std::vector<Version>{{"1", 1, 0},
						  {"\"1\"", 1, 0},
						  {"\"1.0\"", 1, 0},
						  {"\"1.7\"", 1, 7},
						  {"0", 0, 0},
						  {"\"0.1\"", 0, 1},
						  {"\"02.99\"", 2, 99}}) {
		auto m = parseMessage(msg(1, 0, ">1", "a").set("ver", v.ver).text(), "v");
		BOOST_TEST(m.verMajor == v.major, v.ver);
		BOOST_TEST(m.verMinor == v.minor, v.ver);
	}
	// v2.2 has no "time"; "rec" may be absent.
	auto m = parseMessage(msg(1, 0, ">1", "a").drop("time").drop("rec").text(), "old");
	BOOST_TEST(!m.time.has_value());
	BOOST_TEST(m.envelope.rec.empty());
	// in_txt and out_txt may be left out: empty.
	m = parseMessage(msg(1, 0, "", "").drop("in_txt").drop("out_txt").text(), "no text");
	BOOST_TEST(m.inTxt.empty());
	BOOST_TEST(m.outTxt.empty());
	m = parseMessage(msg(1, 0, ">1", "a").set("time", "17").text(), "int time");
	BOOST_TEST(m.time.value() == 17.0);
	// A lone escaped surrogate is what json-c makes U+FFFD of: text.
	m = parseMessage(msg(1, 0, ">1", "\\ud800").text(), "surrogate");
	BOOST_TEST(m.outTxt == "\xef\xbf\xbd");
}

BOOST_AUTO_TEST_CASE(first_id_other_than_one)
{
	ChunkDecoder any(false, 0);
	BOOST_CHECK_NO_THROW(decodeOne(msg(42, 0, ">1", "a"), any));
	BOOST_TEST(any.lastId() == 42u);
	BOOST_CHECK_NO_THROW(decodeOne(msg(43, 0, ">1", "a"), any));
	ChunkDecoder from5(false, 5);
	BOOST_CHECK_NO_THROW(decodeOne(msg(5, 0, ">1", "a"), from5));
	ChunkDecoder from5b(false, 5);
	expectError([&] { decodeOne(msg(3, 0, ">1", "a"), from5b); }, {"rec.log:7", "field 'id'"},
		    "before the first id");
}

BOOST_AUTO_TEST_CASE(gaps)
{
	ChunkDecoder lax(true);
	decodeOne(msg(1, 0, ">1", "a"), lax);
	std::vector<Packet> out;
	auto gap = lax.decode(parseMessage(msg(4, 10, ">1", "b").text(), "x"), "x", out);
	BOOST_REQUIRE(gap.has_value());
	BOOST_TEST(gap->firstMissing == 2u);
	BOOST_TEST(gap->lastMissing == 3u);
	checkPackets(out, {Packet::io(ms(10), kOut, "b")});
	BOOST_TEST(!lax.decode(parseMessage(msg(5, 10, ">1", "c").text(), "x"), "x", out));

	ChunkDecoder strict;
	decodeOne(msg(1, 0, ">1", "a"), strict);
	expectError([&] { decodeOne(msg(4, 10, ">1", "b"), strict); },
		    {"rec.log:7", "field 'id'", "messages 2-3 are missing"}, "gap");
	// A lax decoder still rejects a repeated id.
	expectError([&] { decodeOne(msg(5, 10, ">1", "b"), lax); }, {"rec.log:7", "field 'id'"},
		    "repeat after gap");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rejections)

BOOST_AUTO_TEST_CASE(bad_json)
{
	for (std::string text : {"{", "", "{\"ver\":\"2.3\"", "{} x", "{}{}", "nul", "{\"a\":1,}x"})
		expectError([&] { parseMessage(text, "rec.log:7"); }, {"rec.log:7", "invalid JSON"},
			    "bad JSON " + text);
	for (std::string text : {"[]", "1", "\"x\"", "null"})
		expectError([&] { parseMessage(text, "rec.log:7"); },
			    {"rec.log:7", "not a JSON object"}, text);
}

BOOST_AUTO_TEST_CASE(missing_fields)
{
	for (std::string field :
	     {"ver", "host", "user", "term", "session", "id", "pos", "timing", "in_bin", "out_bin"})
		expectError([&] { parseMessage(Fields().drop(field).text(), "rec.log:7"); },
			    {"rec.log:7", "field '" + field + "'", "missing"}, "missing " + field);
}

BOOST_AUTO_TEST_CASE(wrong_types)
{
	const std::vector<std::pair<std::string, std::string>> cases = {
	    {"ver", "true"},	  {"host", "5"},	 {"rec", "[]"},	    {"user", "null"},
	    {"term", "{}"},	  {"session", "\"1\""},	 {"id", "\"1\""},   {"id", "1.5"},
	    {"pos", "[0]"},	  {"time", "\"now\""},	 {"timing", "1"},   {"in_txt", "[]"},
	    {"in_bin", "\"\""},	  {"out_txt", "0"},	 {"out_bin", "{}"}, {"in_bin", "[\"1\"]"},
	    {"out_bin", "[1.5]"}, {"out_bin", "[null]"},
	};
	for (const auto &[field, raw] : cases)
		expectError([&] { parseMessage(Fields().set(field, raw).text(), "rec.log:7"); },
			    {"rec.log:7", "field '" + field + "'"}, field + "=" + raw);
}

BOOST_AUTO_TEST_CASE(numbers_out_of_range)
{
	const std::vector<std::pair<std::string, std::string>> cases = {
	    {"id", "-1"},
	    {"pos", "-5"},
	    {"session", "-1"},
	    {"session", "4294967296"},
	    {"time", "-1.5"},
	    {"in_bin", "[256]"},
	    {"out_bin", "[1,-1]"},
	    {"out_bin", "[1000]"},
	    {"id", "18446744073709551615"},
	};
	for (const auto &[field, raw] : cases)
		expectError([&] { parseMessage(Fields().set(field, raw).text(), "rec.log:7"); },
			    {"rec.log:7", "field '" + field + "'"}, field + "=" + raw);
}

BOOST_AUTO_TEST_CASE(versions)
{
	for (std::string ver :
	     {"\"3.0\"", "3", "\"3\"", "\"10.1\"", "\"x\"", "\"2.\"", "\".3\"", "\"\"", "\"2.3.1\"",
	      "-2", "\"-2\"", "\" 2\"", "\"+2\"", "\"2.-1\"", "2.3", "\"1.x\"",
	      "4294967298"}) // 2^32 + 2 once passed as 2 (the reference's sscanf still does)
		expectError([&] { parseMessage(Fields().set("ver", ver).text(), "rec.log:7"); },
			    {"rec.log:7", "field 'ver'"}, "ver " + ver);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_text_fields)
{
	for (std::string field : {"host", "rec", "user", "term", "timing", "in_txt", "out_txt"})
		for (std::string bad : {"\xff", "a\xc3", "\xed\xa0\x80", "\xc0\x80"})
			expectError(
			    [&] {
				    parseMessage(Fields().set(field, "\"" + bad + "\"").text(),
						 "rec.log:7");
			    },
			    {"rec.log:7", "field '" + field + "'", "UTF-8"}, field);
}

// The messages where simdjson and json-c could read differently: each must
// read exactly as json-c reads it (the same message, or the same error).
BOOST_AUTO_TEST_CASE(fast_path_reads_as_json_c_reads)
{
	const std::string typical = Fields().text();
	std::vector<std::string> texts = {
	    typical,
	    Fields().set("out_txt", "\"\\u001b[1mb\\u00e9\\\"\\\\\\/\xf0\x9f\x98\x80\"").text(),
	    Fields().set("out_txt", "\"\\ud83d\\ude00\"").text(), // a surrogate pair
	    Fields().set("out_txt", "\"\\udc00\"").text(),	  // lone low
	    Fields().set("out_txt", "\"\\ud800\"").text(),	  // lone high
	    Fields().set("out_txt", "\"\\ud800\\ue000\"").text(), // high, not low
	    Fields().set("out_txt", "\"\\ud800\\u0041\"").text(),
	    "\xEF\xBB\xBF" + typical, // byte order mark
	    Fields().set("id", "-0").text(),
	    Fields().set("time", "-0.0").text(),
	    Fields().set("time", "17").text(),
	    Fields().set("time", "-1.5").text(),
	    Fields().set("time", "1e400").text(),
	    Fields().set("time", "1.7e9").text(),
	    Fields().set("id", "9223372036854775808").text(),
	    Fields().set("id", "9007199254740992").text(), // 2^53: the largest
	    Fields().set("id", "9007199254740993").text(),
	    Fields().set("id", "1e2").text(),
	    Fields().set("id", "01").text(),
	    Fields().set("session", "4294967295").text(),
	    Fields().set("ver", "2").text(),
	    Fields().set("ver", "\"2\"").text(),
	    Fields().set("ver", "\"1.0\"").text(),
	    Fields().set("ver", "\"02.3\"").text(),
	    Fields().set("ver", "\"2.3x\"").text(),
	    Fields().set("tlog_end", "true").text(),
	    Fields().set("tlog_end", "\"1\"").text(),
	    Fields().set("tlog_end", "\"\"").text(),
	    Fields().set("tlog_end", "\"0\"").text(),
	    Fields().set("tlog_end", "1").text(),
	    Fields().set("tlog_sig", "\"c2ln\"").text(),
	    Fields()
		.set("extra",
		     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")
		.text(),
	    Fields().set("extra", "{\"a\":{\"b\":null}}").text(),
	    Fields().set("extra", "null").text(),
	    Fields().set("ti\\u0000ming", "1").text(),		  // a key json-c cuts at NUL
	    Fields().set("h\\u006fst", "\"other\"").text(),	  // an escaped key
	    typical.substr(0, typical.size() - 1) + ",\"id\":2}", // id twice: the last counts
	    typical.substr(0, typical.size() - 1) + ",}",	  // json-c takes a trailing comma
	    typical + " \t\r\n",
	    typical + "\v",
	    " " + typical,
	    "\v" + typical,
	    typical + "x",
	    Fields().set("host", "'vm'").text(),     // single quotes: json-c only
	    Fields().set("host", "\"a\tb\"").text(), // a raw tab in a string
	    Fields().set("in_bin", "[0,255,128]").text(),
	    Fields().set("in_bin", "[256]").text(),
	    Fields().set("in_bin", "[1.0]").text(),
	    Fields().set("rec", "null").text(),
	    Fields().drop("rec").drop("time").drop("in_txt").drop("out_txt").text(),
	    Fields().drop("out_bin").text(),
	};
	for (const auto &text : texts) {
		std::string fast, full;
		std::optional<Message> a, b;
		try {
			a = parseMessage(text, "rec.log:7");
		} catch (const FormatError &e) {
			fast = e.what();
		}
		try {
			b = parseMessageFull(text, "rec.log:7");
		} catch (const FormatError &e) {
			full = e.what();
		}
		BOOST_TEST(fast == full, text);
		BOOST_TEST((a == b), text);
	}
	// The fast path is taken where it can be: not a dead branch.
	if (tlog::codec::hasFastParser()) {
		BOOST_TEST(parseMessageFast(typical).has_value());
		BOOST_TEST(parseMessageFast(texts[1]).has_value());
		BOOST_TEST(parseMessageFast(texts[2]).has_value());
		BOOST_TEST(!parseMessageFast(texts[3]).has_value());
		auto m = parseMessageFast(texts[1]);
		BOOST_TEST((m && m->outTxt == "\x1b[1mb\xc3\xa9\"\\/\xf0\x9f\x98\x80"));
	} else {
		BOOST_TEST(!parseMessageFast(typical).has_value());
	}
}

BOOST_AUTO_TEST_CASE(text_is_cut_by_characters_wherever_ascii_runs_end)
{
	// The decoder steps over ASCII eight characters at a time: records
	// that end anywhere in a run, just before or after a multi-byte
	// character, take exactly their characters.
	const std::vector<std::string> wide = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
	for (const auto &w : wide) {
		for (std::size_t before = 0; before < 20; before++) {
			// Characters: `before` x 'a', the wide one, 11 x 'b'.
			std::vector<std::string> chars(before, "a");
			chars.push_back(w);
			chars.insert(chars.end(), 11, "b");
			std::string text;
			for (const auto &c : chars)
				text += c;
			for (std::size_t cut = 1; cut < chars.size(); cut++) {
				std::string first, second;
				for (std::size_t i = 0; i < chars.size(); i++)
					(i < cut ? first : second) += chars[i];
				auto timing = ">" + std::to_string(cut) + "+1>" +
					      std::to_string(chars.size() - cut);
				ChunkDecoder dec;
				auto out = decodeOne(msg(1, 0, timing, text), dec);
				BOOST_REQUIRE_EQUAL(out.size(), 2u);
				BOOST_TEST(out[0].data == first, before << "/" << cut);
				BOOST_TEST(out[1].data == second, before << "/" << cut);
			}
			// One character too many is refused, not read past the end.
			ChunkDecoder dec;
			expectError(
			    [&] {
				    decodeOne(
					msg(1, 0, ">" + std::to_string(chars.size() + 1), text),
					dec);
			    },
			    {"out_txt has " + std::to_string(chars.size()) + " characters left"},
			    "too many");
		}
	}
}

BOOST_AUTO_TEST_CASE(timing_against_the_text)
{
	struct Case {
		Fields f;
		std::string what;
	};
	std::vector<Case> cases = {
	    {msg(1, 0, ">5", "abc"), "out_txt has 3 characters left, the record needs 5"},
	    {msg(1, 0, ">1",
		 "\xc3\xa9"
		 "b"),
	     "out_txt has 1 characters that no timing record uses"},
	    {msg(1, 0, "]1/3", "\xef\xbf\xbd", "[1,2]"),
	     "out_bin has 2 bytes left, the record needs 3"},
	    {msg(1, 0, "]1/1", "\xef\xbf\xbd", "[1,2]"),
	     "out_bin has 1 bytes that no timing record uses"},
	    {msg(1, 0, "]2/1", "\xef\xbf\xbd", "[1]"),
	     "out_txt has 1 characters left, the record needs 2"},
	    {msg(1, 0, "<1", "a"), "in_txt has 0 characters left, the record needs 1"},
	    {msg(1, 0, ">1x", "a"), "unexpected character 'x' at offset 2"},
	    {msg(1, 0, "=65536x1>1", "a"), "window size beyond 65535"},
	    {msg(1, 0, "=1x", "a"), "expected a number at offset 3"},
	};
	for (auto &c : cases) {
		ChunkDecoder dec;
		expectError([&] { decodeOne(c.f, dec); }, {"rec.log:7", "field 'timing'", c.what},
			    c.what);
	}
}

BOOST_AUTO_TEST_CASE(ids_and_positions)
{
	{
		ChunkDecoder dec;
		decodeOne(msg(1, 0, ">1", "a"), dec);
		expectError([&] { decodeOne(msg(1, 5, ">1", "a"), dec); },
			    {"rec.log:7", "field 'id'"}, "repeated id");
	}
	{
		ChunkDecoder dec;
		decodeOne(msg(1, 0, ">1", "a"), dec);
		decodeOne(msg(2, 0, ">1", "a"), dec);
		expectError([&] { decodeOne(msg(1, 5, ">1", "a"), dec); },
			    {"rec.log:7", "field 'id'"}, "id backwards");
	}
	{
		ChunkDecoder dec;
		expectError([&] { decodeOne(msg(2, 0, ">1", "a"), dec); },
			    {"rec.log:7", "field 'id'", "message 1 is missing"}, "first missing");
	}
	{
		ChunkDecoder dec;
		decodeOne(msg(1, 100, ">1", "a"), dec);
		decodeOne(msg(2, 100, ">1", "a"), dec); // equal pos is fine
		expectError([&] { decodeOne(msg(3, 50, ">1", "a"), dec); },
			    {"rec.log:7", "field 'pos'", "50"}, "pos back");
	}
}

// Times past what a Timestamp holds (about 292 years) are refused, not
// overflowed (found by tests/fuzz): pos and delays may each reach 2^53 ms.
BOOST_AUTO_TEST_CASE(times_beyond_a_timestamp)
{
	const std::string kMax = "9223372036854"; // ms in Timestamp::max()
	{
		ChunkDecoder dec;
		auto packets = decodeOne(msg(1, 0, "+" + kMax + ">1", "a"), dec);
		BOOST_TEST(packets.back().ts.count() == 9223372036854000000);
	}
	const std::vector<std::pair<Fields, std::string>> cases = {
	    {msg(1, 0, ">1", "a").set("pos", "9007199254740992"), "field 'pos'"},
	    {msg(1, 0, ">1", "a").set("pos", "9223372036855"), "field 'pos'"},
	    {msg(1, 0, "+9007199254740992>1", "a"), "field 'timing'"},
	    {msg(1, 0, "+" + kMax + "+1=80x24", ""), "field 'timing'"},
	    {msg(1, 1, "+" + kMax + ">1", "a"), "field 'timing'"},
	};
	for (const auto &[f, field] : cases) {
		ChunkDecoder dec;
		expectError([&] { decodeOne(f, dec); }, {"rec.log:7", field, "longest recording"},
			    f.text());
	}
}

BOOST_AUTO_TEST_CASE(failed_message_leaves_the_decoder_usable)
{
	// A rejected message does not count as decoded: the next good one
	// with the expected id still fits.
	ChunkDecoder dec;
	decodeOne(msg(1, 0, ">1", "a"), dec);
	BOOST_CHECK_THROW(decodeOne(msg(2, 0, ">9", "a"), dec), FormatError);
	BOOST_TEST(dec.lastId() == 1u);
	BOOST_CHECK_NO_THROW(decodeOne(msg(2, 0, ">1", "a"), dec));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(format_1)

// tests/data/play-v1.log: a recording in format 1, as tlog wrote it from
// 2015 to 2017 ("ver":1, no "rec", no "time"), written by hand after the
// reference's format description and test suite; play-v1.out holds its
// output, as the reference plays it.
BOOST_AUTO_TEST_CASE(decodes_a_format_1_recording)
{
	std::istringstream in(readFile(dataPath("play-v1.log")));
	ChunkDecoder dec;
	std::vector<Packet> out;
	std::size_t n = 0;
	for (std::string line; std::getline(in, line);) {
		std::string where = "play-v1.log:" + std::to_string(++n);
		auto m = parseMessage(line, where);
		BOOST_TEST(m.verMajor == 1u);
		BOOST_TEST(m.verMinor == 0u);
		BOOST_TEST(m.envelope.rec.empty());
		BOOST_TEST(m.envelope.host == "old.example");
		BOOST_TEST(m.envelope.session == 3u);
		BOOST_TEST(!m.time.has_value());
		dec.decode(m, where, out);
	}
	BOOST_TEST(n == 3u);
	checkPackets(out, {
			      Packet::window(ms(0), 80, 24),
			      Packet::io(ms(0), kOut, "$ "),
			      Packet::io(ms(120), kIn, "ls\r"),
			      Packet::io(ms(120), kOut, "ls\r\n"),
			      Packet::io(ms(150), kOut, "a.txt\r\n$ "),
			      Packet::io(ms(200), kIn, "echo \xc3\xa9\r"),
			      Packet::io(ms(200), kOut, "echo \xc3\xa9\r\n"),
			      Packet::io(ms(225), kOut, "\xc3\xa9\r\n\xff\r\n$ "),
			      Packet::window(ms(300), 100, 40),
			      Packet::io(ms(350), kIn, "exit\r"),
			      Packet::io(ms(350), kOut, "exit\r\n"),
			  });
	BOOST_TEST(streamBytes(out, kOut) == readFile(dataPath("play-v1.out")));
}

// Before format 2.2 pos had no agreed origin. The decoder keeps pos as
// written, the time from the start of the recording; the player starts
// its clock at the first message's pos, so playback does not wait for it.
BOOST_AUTO_TEST_CASE(pos_is_kept_as_written)
{
	ChunkDecoder dec;
	auto out =
	    decodeOne(msg(1, 345349, ">1+2>1", "ab").set("ver", "1").drop("rec").drop("time"), dec);
	checkPackets(out, {Packet::io(ms(345349), kOut, "a"), Packet::io(ms(345351), kOut, "b")});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(event_order)

// The reference's rule: no event may come before an event already read
// ("Packet timestamp is out of order"). A message's first event is its
// pos plus the delays before it; a delay after the last record is no event.
BOOST_AUTO_TEST_CASE(an_event_before_the_previous_message_s_last_is_refused)
{
	ChunkDecoder dec;
	decodeOne(msg(1, 1000, ">1+1>1", "XY"), dec);
	expectError([&] { decodeOne(msg(2, 1000, ">1", "Z"), dec); },
		    {"rec.log:7: field 'pos'", "1000 ms", "1001 ms", "out of order"},
		    "message 1 runs to 1001 ms, message 2 starts at 1000 ms");
	// Refused whole: nothing of it decoded, the decoder still usable.
	std::vector<Packet> out;
	BOOST_CHECK_THROW(dec.decode(parseMessage(msg(2, 1000, ">1", "Z").text(), "x"), "x", out),
			  FormatError);
	BOOST_TEST(out.empty());
	BOOST_TEST(dec.lastId() == 1u);
	checkPackets(decodeOne(msg(2, 1001, ">1", "Z"), dec), {Packet::io(ms(1001), kOut, "Z")});
}

BOOST_AUTO_TEST_CASE(what_counts_as_an_event)
{
	{
		// A delay after the last record: not an event.
		ChunkDecoder dec;
		decodeOne(msg(1, 1000, ">1+1", "X"), dec);
		BOOST_CHECK_NO_THROW(decodeOne(msg(2, 1000, ">1", "Y"), dec));
	}
	{
		// Delays before the first record: the first event is later
		// than pos.
		ChunkDecoder dec;
		decodeOne(msg(1, 1000, ">1+5>1", "XY"), dec);
		BOOST_CHECK_NO_THROW(decodeOne(msg(2, 1000, "+10>1", "Z"), dec));
	}
	{
		// A message without events moves nothing.
		ChunkDecoder dec;
		decodeOne(msg(1, 1000, ">1", "X"), dec);
		BOOST_CHECK_NO_THROW(decodeOne(msg(2, 5000, "+7", ""), dec));
		BOOST_CHECK_NO_THROW(decodeOne(msg(3, 2000, ">1", "Y"), dec));
		expectError([&] { decodeOne(msg(4, 1999, ">1", "Z"), dec); },
			    {"field 'pos'", "out of order"}, "before message 3's event");
	}
	{
		// A window record is an event; empty I/O records are not.
		ChunkDecoder dec;
		decodeOne(msg(1, 1000, "=80x24+3>0<0", ""), dec);
		expectError([&] { decodeOne(msg(2, 999, "=80x24", ""), dec); },
			    {"field 'pos'", "out of order"}, "window before window");
		ChunkDecoder dec2;
		decodeOne(msg(1, 1000, ">1+3>0", "a"), dec2);
		BOOST_CHECK_NO_THROW(decodeOne(msg(2, 1001, ">1", "b"), dec2));
	}
}

// With lax the message plays on: its events before the previous last one
// play at that one, in their order (records of one stream then merged);
// the later ones keep their times. overlap() tells the caller, once.
BOOST_AUTO_TEST_CASE(lax_plays_on_from_the_previous_last_event)
{
	ChunkDecoder lax(true);
	decodeOne(msg(1, 1000, ">1+1>1", "XY"), lax);
	BOOST_TEST(!lax.overlap().has_value());
	auto out = decodeOne(msg(2, 990, "=80x24>1+5>1+20>1", "ZWV"), lax);
	checkPackets(out, {Packet::window(ms(1001), 80, 24), Packet::io(ms(1001), kOut, "ZW"),
			   Packet::io(ms(1015), kOut, "V")});
	BOOST_REQUIRE(lax.overlap().has_value());
	BOOST_TEST(lax.overlap()->id == 2u);
	BOOST_TEST(lax.overlap()->firstEventMs == 990u);
	BOOST_TEST(lax.overlap()->previousEndMs == 1001u);
	BOOST_TEST(tlog::codec::describe(*lax.overlap()) ==
		   "message 2 starts at 990 ms, before the last event so far, at 1001 ms "
		   "(out of order): played from 1001 ms");
	// The next one is measured against 1015 ms, and is in order.
	checkPackets(decodeOne(msg(3, 1015, ">1", "U"), lax), {Packet::io(ms(1015), kOut, "U")});
	BOOST_TEST(!lax.overlap().has_value());
	// Wholly before: every event at the previous last one.
	checkPackets(decodeOne(msg(4, 0, ">1+3>1", "ab"), lax), {Packet::io(ms(1015), kOut, "ab")});
	BOOST_TEST(lax.overlap()->previousEndMs == 1015u);
	// The strict decoder never plays on.
	ChunkDecoder strict;
	decodeOne(msg(1, 1000, ">1+1>1", "XY"), strict);
	BOOST_CHECK_THROW(decodeOne(msg(2, 990, ">1", "Z"), strict), FormatError);
	BOOST_TEST(!strict.overlap().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
