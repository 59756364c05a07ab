// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE encoder
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec_util.hpp"
#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/codec/timing.hpp"

using namespace tlog::test;
using tlog::codec::ChunkEncoder;
using tlog::codec::parseMessage;

namespace {

const auto kIn = PacketType::Input;
const auto kOut = PacketType::Output;

// The three messages of FORMAT.md's example.
const std::vector<std::string> kExample = {
    R"J({"ver":"2.3","host":"vm","rec":"6027409d86394d4ab87d20473c2304fe-2462-54d7","user":"root","term":"xterm","session":4294967295,"id":1,"pos":0,"time":1795837685.888,"timing":"=80x24+1>2+539<11>21+350>47]2/2>6]1/2<42>8","in_txt":"echo héllo\rprintf 'bad:\\377\\376 part:\\342\\202 end\\n'\r","in_bin":[],"out_txt":"$ echo héllo\r\nhéllo\r\n$ printf 'bad:\\377\\376 part:\\342\\202 end\\n'\r\nbad:�� part:� end\r\n$ ","out_bin":[255,254,226,130]})J",
    R"J({"ver":"2.3","host":"vm","rec":"6027409d86394d4ab87d20473c2304fe-2462-54d7","user":"root","term":"xterm","session":4294967295,"id":2,"pos":1191,"time":1795837687.079,"timing":"=100x40+350<19>33","in_txt":"echo \"tab\tq\\\"bs\\\\\"\r","in_bin":[],"out_txt":"echo \"tab\tq\\\"bs\\\\\"\r\ntab\tq\"bs\\\r\n$ ","out_bin":[]})J",
    R"J({"ver":"2.3","host":"vm","rec":"6027409d86394d4ab87d20473c2304fe-2462-54d7","user":"root","term":"xterm","session":4294967295,"id":3,"pos":2792,"time":1795837688.680,"timing":"=100x40<5>6","in_txt":"exit\r","in_bin":[],"out_txt":"exit\r\n","out_bin":[]})J",
};

const std::string kPrintf = "printf 'bad:\\377\\376 part:\\342\\202 end\\n'\r";

// The example's packets, message by message.
const std::vector<std::vector<Packet>> kExamplePackets = {
    {
	Packet::window(ms(0), 80, 24),
	Packet::io(ms(1), kOut, "$ "),
	Packet::io(ms(540), kIn, "echo h\xc3\xa9llo\r"),
	Packet::io(ms(540), kOut, "echo h\xc3\xa9llo\r\nh\xc3\xa9llo\r\n$ "),
	Packet::io(ms(890), kOut, kPrintf + "\nbad:\xff\xfe part:\xe2\x82"),
	Packet::io(ms(890), kIn, kPrintf),
	Packet::io(ms(890), kOut, " end\r\n$ "),
    },
    {
	Packet::window(ms(1191), 100, 40),
	Packet::io(ms(1541), kIn, "echo \"tab\tq\\\"bs\\\\\"\r"),
	Packet::io(ms(1541), kOut, "echo \"tab\tq\\\"bs\\\\\"\r\ntab\tq\"bs\\\r\n$ "),
    },
    {
	Packet::window(ms(2792), 100, 40),
	Packet::io(ms(2792), kIn, "exit\r"),
	Packet::io(ms(2792), kOut, "exit\r\n"),
    },
};

std::string onlyMessage(const std::vector<Packet> &packets, std::size_t payload = 2048)
{
	auto msgs = encodeAll(packets, payload);
	BOOST_REQUIRE_EQUAL(msgs.size(), 1u);
	return msgs[0].text;
}

std::string onlyTiming(const std::vector<Packet> &packets)
{
	return parseMessage(onlyMessage(packets), "t").timing;
}

std::uint64_t sumOfDelays(const std::vector<tlog::codec::EncodedMessage> &msgs)
{
	std::uint64_t sum = 0;
	for (const auto &m : msgs)
		for (const auto &r : tlog::codec::parseTiming(parseMessage(m.text, "t").timing))
			if (r.kind == tlog::codec::TimingRecord::Kind::Delay)
				sum += r.a;
	return sum;
}

std::string wrap(const std::string &timing, const std::string &outTxt, const std::string &outBin,
		 const std::string &inTxt = "", const std::string &inBin = "", int pos = 0)
{
	return "{\"ver\":\"2.3\",\"host\":\"vm\",\"rec\":\"6027409d86394d4ab87d20473c2304fe-2462-"
	       "54d7\",\"user\":\"root\",\"term\":\"xterm\",\"session\":4294967295,\"id\":1,"
	       "\"pos\":" +
	       std::to_string(pos) + ",\"time\":0." +
	       (pos < 10    ? "00"
		: pos < 100 ? "0"
			    : "") +
	       std::to_string(pos) + ",\"timing\":\"" + timing + "\",\"in_txt\":\"" + inTxt +
	       "\",\"in_bin\":[" + inBin + "],\"out_txt\":\"" + outTxt + "\",\"out_bin\":[" +
	       outBin + "]}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(format_example)

BOOST_AUTO_TEST_CASE(decodes_to_packets)
{
	std::vector<Packet> want;
	for (const auto &msg : kExamplePackets)
		want.insert(want.end(), msg.begin(), msg.end());
	checkPackets(decodeTexts(kExample), want, "FORMAT.md example");

	auto m = parseMessage(kExample[1], "ex:2");
	BOOST_TEST(m.verMajor == 2u);
	BOOST_TEST(m.verMinor == 3u);
	BOOST_TEST(m.envelope.host == "vm");
	BOOST_TEST(m.envelope.rec == "6027409d86394d4ab87d20473c2304fe-2462-54d7");
	BOOST_TEST(m.envelope.user == "root");
	BOOST_TEST(m.envelope.term == "xterm");
	BOOST_TEST(m.envelope.session == tlog::codec::kNoSession);
	BOOST_TEST(m.id == 2u);
	BOOST_TEST(m.pos == 1191u);
	BOOST_TEST(m.time.value() == 1795837687.079, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(encoder_reproduces_the_layout)
{
	ChunkEncoder enc(exampleEnvelope(), 2048, ms(0), ms(1795837685888));
	std::vector<tlog::codec::EncodedMessage> msgs;
	for (const auto &message : kExamplePackets) {
		for (const auto &p : message)
			enc.write(p);
		enc.flush();
	}
	enc.finish();
	msgs = enc.takeMessages();
	BOOST_REQUIRE_EQUAL(msgs.size(), 3u);
	// The reference merged runs per stream and wrote the cut "\342\202"
	// before the input of the same millisecond; we keep the true order:
	// the prefix is only known to be invalid when " end" arrives.
	std::string first = kExample[0];
	auto at = first.find("]1/2<42>8");
	BOOST_REQUIRE(at != std::string::npos);
	first.replace(at, 9, "<42]1/2>8");
	BOOST_TEST(msgs[0].text == first);
	BOOST_TEST(msgs[1].text == kExample[1]);
	BOOST_TEST(msgs[2].text == kExample[2]);
	for (std::size_t i = 0; i < msgs.size(); i++)
		BOOST_TEST(msgs[i].id == i + 1);
	BOOST_TEST(!enc.hasMessages());
	BOOST_TEST(enc.nextId() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(windows)

BOOST_AUTO_TEST_CASE(windows_only)
{
	auto text = onlyMessage({Packet::window(ms(0), 80, 24), Packet::window(ms(5), 100, 40)});
	BOOST_TEST(text == wrap("=80x24+5=100x40", "", ""));
}

BOOST_AUTO_TEST_CASE(repeated_window_is_kept)
{
	BOOST_TEST(onlyTiming({Packet::window(ms(0), 80, 24), Packet::window(ms(1), 80, 24),
			       Packet::io(ms(1), kOut, "a")}) == "=80x24+1=80x24>1");
}

BOOST_AUTO_TEST_CASE(each_message_starts_with_the_window)
{
	ChunkEncoder enc(exampleEnvelope(), 2048, ms(0), ms(0));
	enc.writeWindow(ms(0), 80, 24);
	enc.writeIo(ms(2), kOut, "a");
	enc.flush();
	enc.writeIo(ms(10), kIn, "b");
	enc.flush();
	enc.writeWindow(ms(12), 90, 30);
	enc.writeIo(ms(13), kOut, "c");
	enc.flush();
	enc.writeIo(ms(14), kOut, "d");
	enc.finish();
	auto t = timings(enc.takeMessages());
	std::vector<std::string> want = {"=80x24+2>1", "=80x24<1", "=90x30+1>1", "=90x30>1"};
	BOOST_TEST(t == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(largest_window)
{
	auto msgs = encodeAll({Packet::window(ms(0), 65535, 65535), Packet::io(ms(1), kOut, "x")});
	BOOST_TEST(timings(msgs)[0] == "=65535x65535+1>1");
	checkPackets(decodeAll(msgs),
		     {Packet::window(ms(0), 65535, 65535), Packet::io(ms(1), kOut, "x")});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timestamps)

BOOST_AUTO_TEST_CASE(huge_delays)
{
	const std::int64_t hour = 3600000, day = 24 * hour;
	std::vector<Packet> in = {Packet::io(ms(0), kOut, "a"), Packet::io(ms(3 * hour), kOut, "b"),
				  Packet::io(ms(3 * day + 1), kOut, "c"),
				  Packet::io(ms(400 * day), kIn, "d")};
	auto msgs = encodeAll(in);
	BOOST_TEST(timings(msgs)[0] == ">1+10800000>1+248400001>1+34300799999<1");
	checkPackets(decodeAll(msgs), in);
}

BOOST_AUTO_TEST_CASE(time_field_has_three_decimals)
{
	auto text = encodeAll({Packet::io(ms(1005), kOut, "a")}, 2048, ms(1700000000007))[0].text;
	BOOST_TEST(text.find(",\"pos\":1005,\"time\":1700000001.012,") != std::string::npos, text);
	text = encodeAll({Packet::io(ms(0), kOut, "a")}, 2048, ns(1700000000999999999))[0].text;
	BOOST_TEST(text.find(",\"time\":1700000000.999,") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(sub_millisecond_remainder_is_carried)
{
	struct Case {
		std::int64_t stepNs;
		int events;
	};
	for (auto c : {Case{600000, 1000}, Case{1700000, 1000}, Case{999999, 5000}, Case{1, 3000},
		       Case{333333, 301}}) {
		std::vector<Packet> in;
		for (int i = 0; i < c.events; i++)
			in.push_back(Packet::io(ns(i * c.stepNs), i % 3 ? kOut : kIn, "x"));
		std::int64_t elapsedMs = (c.events - 1) * c.stepNs / 1000000;
		// In one message, the delays add up to the floor of the elapsed
		// time: nothing is lost (the reference would sum whole-ms parts).
		auto one = encodeAll(in, 1 << 20);
		BOOST_REQUIRE_EQUAL(one.size(), 1u);
		BOOST_TEST(sumOfDelays(one) == static_cast<std::uint64_t>(elapsedMs));
		// Split into many messages, the last one's pos plus its delays.
		auto msgs = encodeAll(in, 256);
		BOOST_TEST(msgs.size() > 3u);
		BOOST_TEST(sumOfDelays({msgs.back()}) + parseMessage(msgs.back().text, "t").pos ==
			   static_cast<std::uint64_t>(elapsedMs));
		auto out = decodeAll(msgs);
		BOOST_TEST(out.back().ts == ms(elapsedMs));
		checkPackets(normalise(out), model(in), "step " + std::to_string(c.stepNs));
	}
}

BOOST_AUTO_TEST_CASE(time_never_goes_back)
{
	auto msgs = encodeAll({Packet::io(ms(10), kOut, "a"), Packet::io(ms(5), kOut, "b"),
			       Packet::io(ms(-3), kIn, "c"), Packet::io(ms(12), kOut, "d")});
	BOOST_TEST(timings(msgs)[0] == ">2<1+2>1");
	BOOST_TEST(parseMessage(msgs[0].text, "t").pos == 10u);
}

BOOST_AUTO_TEST_CASE(true_order_within_a_millisecond)
{
	std::vector<Packet> in = {
	    Packet::io(ns(100000), kIn, "a"), Packet::io(ns(200000), kOut, "b"),
	    Packet::io(ns(300000), kIn, "c"), Packet::io(ns(400000), kOut, "de"),
	    Packet::io(ns(500000), kOut, "f")};
	auto msgs = encodeAll(in);
	BOOST_TEST(timings(msgs)[0] == "<1>1<1>3");
	checkPackets(decodeAll(msgs),
		     {Packet::io(ms(0), kIn, "a"), Packet::io(ms(0), kOut, "b"),
		      Packet::io(ms(0), kIn, "c"), Packet::io(ms(0), kOut, "def")});
}

BOOST_AUTO_TEST_CASE(first_record_time)
{
	ChunkEncoder enc(exampleEnvelope(), 2048, ms(100), ms(0));
	BOOST_TEST(!enc.firstRecordTime().has_value());
	enc.writeIo(ms(105), kOut, "a");
	enc.writeIo(ms(107), kOut, "b");
	BOOST_TEST(enc.firstRecordTime().value() == ms(105));
	enc.flush();
	BOOST_TEST(!enc.firstRecordTime().has_value());
	BOOST_TEST(enc.hasMessages());
	auto msgs = enc.takeMessages();
	BOOST_TEST(msgs.size() == 1u);
	BOOST_TEST(!enc.hasMessages());
	enc.flush(); // nothing pending: no empty message
	BOOST_TEST(!enc.hasMessages());
	BOOST_TEST(parseMessage(msgs[0].text, "t").pos == 5u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(four_byte_character_one_byte_per_write)
{
	for (auto type : {kIn, kOut}) {
		std::vector<Packet> in = {Packet::io(ms(0), type, "a")};
		const std::string smile = "\xf0\x9f\x98\x80";
		for (int i = 0; i < 4; i++)
			in.push_back(Packet::io(ms(1 + i), type, smile.substr(i, 1)));
		in.push_back(Packet::io(ms(5), type, "b"));
		auto msgs = encodeAll(in);
		auto m = parseMessage(msgs[0].text, "t");
		std::string rec = type == kIn ? "<1" : ">1";
		BOOST_TEST(m.timing == rec + "+4" + rec + "+1" + rec);
		BOOST_TEST((type == kIn ? m.inTxt : m.outTxt) == "a" + smile + "b");
		BOOST_TEST(m.inBin.empty());
		BOOST_TEST(m.outBin.empty());
		checkPackets(normalise(decodeAll(msgs)), model(in));
	}
}

BOOST_AUTO_TEST_CASE(split_character_with_other_stream_between)
{
	// The output character is completed after an input event: each
	// stream completes its own characters.
	std::vector<Packet> in = {Packet::io(ms(0), kOut, "\xe2\x82"),
				  Packet::io(ms(1), kIn, "\xc3"), Packet::io(ms(2), kOut, "\xac"),
				  Packet::io(ms(3), kIn, "\xa9")};
	auto msgs = encodeAll(in);
	BOOST_TEST(timings(msgs)[0] == ">1+1<1");
	BOOST_TEST(parseMessage(msgs[0].text, "t").pos == 2u);
	checkPackets(decodeAll(msgs),
		     {Packet::io(ms(2), kOut, "\xe2\x82\xac"), Packet::io(ms(3), kIn, "\xc3\xa9")});
}

BOOST_AUTO_TEST_CASE(every_non_ascii_byte_as_a_start)
{
	for (int b = 0x80; b <= 0xFF; b++) {
		std::string byte(1, static_cast<char>(b));
		// Followed by ASCII: a byte that cannot start a character, or a
		// start cut short; either way one U+FFFD and one byte.
		auto m =
		    parseMessage(onlyMessage({Packet::io(ms(0), kOut, "a" + byte + "z")}), "t");
		BOOST_TEST(m.timing == ">1]1/1>1", "byte " << b);
		BOOST_TEST(m.outTxt == "a\xef\xbf\xbdz", "byte " << b);
		BOOST_TEST(m.outBin == byte, "byte " << b);
		// Alone at the end of the recording (held, then finish()).
		m = parseMessage(onlyMessage({Packet::io(ms(0), kIn, byte)}), "t");
		BOOST_TEST(m.timing == "[1/1", "byte " << b);
		BOOST_TEST(m.inBin == byte, "byte " << b);
		BOOST_TEST(m.inTxt == "\xef\xbf\xbd", "byte " << b);
	}
}

struct Utf8Case {
	const char *name;
	std::string bytes;
	std::string timing;
	std::string outTxt; // with U+FFFD for each invalid unit
	std::vector<int> outBin;
};

const std::string R = "\xef\xbf\xbd";

const std::vector<Utf8Case> kUtf8Cases = {
    {"2-byte valid", "\xc3\xa9", ">1", "\xc3\xa9", {}},
    {"3-byte valid", "\xe2\x82\xac", ">1", "\xe2\x82\xac", {}},
    {"4-byte valid", "\xf0\x9f\x98\x80", ">1", "\xf0\x9f\x98\x80", {}},
    {"U+10FFFF", "\xf4\x8f\xbf\xbf", ">1", "\xf4\x8f\xbf\xbf", {}},
    {"U+D7FF before surrogates", "\xed\x9f\xbf", ">1", "\xed\x9f\xbf", {}},
    {"U+E000 after surrogates", "\xee\x80\x80", ">1", "\xee\x80\x80", {}},
    {"U+0800 smallest 3-byte", "\xe0\xa0\x80", ">1", "\xe0\xa0\x80", {}},
    {"U+10000 smallest 4-byte", "\xf0\x90\x80\x80", ">1", "\xf0\x90\x80\x80", {}},
    {"overlong 2-byte C0 80", "\xc0\x80", "]2/2", R + R, {0xc0, 0x80}},
    {"overlong 2-byte C1 BF", "\xc1\xbf", "]2/2", R + R, {0xc1, 0xbf}},
    {"overlong 3-byte E0 80 80", "\xe0\x80\x80", "]3/3", R + R + R, {0xe0, 0x80, 0x80}},
    {"overlong 3-byte E0 9F BF", "\xe0\x9f\xbf", "]3/3", R + R + R, {0xe0, 0x9f, 0xbf}},
    {"overlong 4-byte F0 80 80 80",
     "\xf0\x80\x80\x80",
     "]4/4",
     R + R + R + R,
     {0xf0, 0x80, 0x80, 0x80}},
    {"overlong 4-byte F0 8F BF BF",
     "\xf0\x8f\xbf\xbf",
     "]4/4",
     R + R + R + R,
     {0xf0, 0x8f, 0xbf, 0xbf}},
    {"surrogate ED A0 80", "\xed\xa0\x80", "]3/3", R + R + R, {0xed, 0xa0, 0x80}},
    {"surrogate ED BF BF", "\xed\xbf\xbf", "]3/3", R + R + R, {0xed, 0xbf, 0xbf}},
    {"past U+10FFFF F4 90 80 80",
     "\xf4\x90\x80\x80",
     "]4/4",
     R + R + R + R,
     {0xf4, 0x90, 0x80, 0x80}},
    {"F5 80 80 80", "\xf5\x80\x80\x80", "]4/4", R + R + R + R, {0xf5, 0x80, 0x80, 0x80}},
    {"FF FE", "\xff\xfe", "]2/2", R + R, {0xff, 0xfe}},
    {"2-byte cut at 2",
     "\xc3"
     "A",
     "]1/1>1",
     R + "A",
     {0xc3}},
    {"3-byte cut at 2",
     "\xe2"
     "A",
     "]1/1>1",
     R + "A",
     {0xe2}},
    {"3-byte cut at 3",
     "\xe2\x82"
     "A",
     "]1/2>1",
     R + "A",
     {0xe2, 0x82}},
    {"4-byte cut at 2",
     "\xf0"
     "A",
     "]1/1>1",
     R + "A",
     {0xf0}},
    {"4-byte cut at 3",
     "\xf0\x9f"
     "A",
     "]1/2>1",
     R + "A",
     {0xf0, 0x9f}},
    {"4-byte cut at 4",
     "\xf0\x9f\x98"
     "A",
     "]1/3>1",
     R + "A",
     {0xf0, 0x9f, 0x98}},
    {"cut by a start byte", "\xe2\x82\xe2\x82\xac", "]1/2>1", R + "\xe2\x82\xac", {0xe2, 0x82}},
    {"cut by an invalid byte", "\xe2\xc0", "]2/2", R + R, {0xe2, 0xc0}},
    {"cut by a start, then cut",
     "\xf0\x9f\xc3"
     "A",
     "]2/3>1",
     R + R + "A",
     {0xf0, 0x9f, 0xc3}},
    {"incomplete at the end", "ab\xe2\x82", ">2]1/2", "ab" + R, {0xe2, 0x82}},
    {"incomplete 4-byte at the end", "\xf0\x9f\x98", "]1/3", R, {0xf0, 0x9f, 0x98}},
    {"lone continuation then valid", "\x80\xc3\xa9", "]1/1>1", R + "\xc3\xa9", {0x80}},
};

BOOST_AUTO_TEST_CASE(invalid_bytes_in_every_position)
{
	for (const auto &c : kUtf8Cases) {
		std::string bin;
		for (int b : c.outBin)
			bin += static_cast<char>(b);
		// In one write, one byte per write at one time, and one byte
		// per write a millisecond apart.
		for (int mode = 0; mode < 3; mode++) {
			std::vector<Packet> in;
			if (mode == 0)
				in.push_back(Packet::io(ms(0), kOut, c.bytes));
			else
				for (std::size_t i = 0; i < c.bytes.size(); i++)
					in.push_back(Packet::io(ms(mode == 1 ? 0 : std::int64_t(i)),
								kOut, c.bytes.substr(i, 1)));
			auto msgs = encodeAll(in);
			BOOST_REQUIRE_EQUAL(msgs.size(), 1u);
			auto m = parseMessage(msgs[0].text, c.name);
			if (mode < 2)
				BOOST_TEST(m.timing == c.timing, c.name << " mode " << mode);
			BOOST_TEST(m.outTxt == c.outTxt, c.name << " mode " << mode);
			BOOST_TEST(m.outBin == bin, c.name << " mode " << mode);
			auto out = decodeAll(msgs);
			BOOST_TEST(streamBytes(out, kOut) == c.bytes, c.name << " mode " << mode);
			checkPackets(normalise(out), model(in),
				     std::string(c.name) + " mode " + std::to_string(mode));
		}
	}
}

BOOST_AUTO_TEST_CASE(incomplete_at_the_end_of_both_streams)
{
	auto m = parseMessage(
	    onlyMessage({Packet::io(ms(0), kOut, "\xe2"), Packet::io(ms(1), kIn, "\xc3")}), "t");
	// Each at the time it arrived, the older first.
	BOOST_TEST(m.timing == "]1/1+1[1/1");
	BOOST_TEST(m.inBin == "\xc3");
	BOOST_TEST(m.outBin == "\xe2");
}

BOOST_AUTO_TEST_CASE(invalid_prefix_keeps_its_time)
{
	// A prefix cut by a later write is written at the time it arrived,
	// as the reference does, not when the cutting byte came.
	std::vector<Packet> in = {Packet::io(ms(0), kOut, "a"),
				  Packet::io(ms(300), kOut, "\xe2\x82"),
				  Packet::io(ms(500), kOut, "x")};
	BOOST_TEST(onlyTiming(in) == ">1+300]1/2+200>1");
}

BOOST_AUTO_TEST_CASE(character_held_across_a_latency_flush)
{
	ChunkEncoder enc(exampleEnvelope(), 2048, ms(0), ms(0));
	enc.writeIo(ms(0), kOut, "a\xe2\x82");
	enc.flush();
	enc.writeIo(ms(20), kOut,
		    "\xac"
		    "b");
	enc.writeIo(ms(25), kOut, "\xf0\x9f");
	enc.flush();
	enc.finish();
	auto msgs = enc.takeMessages();
	BOOST_REQUIRE_EQUAL(msgs.size(), 3u);
	auto m1 = parseMessage(msgs[0].text, "1"), m2 = parseMessage(msgs[1].text, "2"),
	     m3 = parseMessage(msgs[2].text, "3");
	BOOST_TEST(m1.timing == ">1");
	BOOST_TEST(m1.outTxt == "a");
	BOOST_TEST(m2.timing == ">2");
	BOOST_TEST(m2.pos == 20u);
	BOOST_TEST(m2.outTxt == "\xe2\x82\xac"
				"b");
	BOOST_TEST(m3.timing == "]1/2");
	BOOST_TEST(m3.pos == 25u);
	BOOST_TEST(m3.outBin == "\xf0\x9f");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(escapes)

BOOST_AUTO_TEST_CASE(every_control_byte)
{
	std::string bytes;
	std::string want;
	const char *hex = "0123456789abcdef";
	for (int c = 0; c < 0x20; c++) {
		bytes += static_cast<char>(c);
		switch (c) {
		case '\b':
			want += "\\b";
			break;
		case '\f':
			want += "\\f";
			break;
		case '\n':
			want += "\\n";
			break;
		case '\r':
			want += "\\r";
			break;
		case '\t':
			want += "\\t";
			break;
		default:
			want += std::string("\\u00") + hex[c >> 4] + hex[c & 15];
		}
	}
	bytes += "\x7f\"\\/~ \xc3\xa9";
	want += "\\u007f\\\"\\\\/~ \xc3\xa9";
	BOOST_TEST(onlyMessage({Packet::io(ms(0), kOut, bytes)}) == wrap(">39", want, ""));
	BOOST_TEST(onlyMessage({Packet::io(ms(0), kIn, bytes)}) == wrap("<39", "", "", want));
	// And one byte per write gives the same text.
	std::vector<Packet> each;
	for (char c : bytes)
		each.push_back(Packet::io(ms(0), kOut, std::string(1, c)));
	BOOST_TEST(onlyMessage(each) == wrap(">39", want, ""));
}

BOOST_AUTO_TEST_CASE(envelope_is_escaped)
{
	tlog::codec::Envelope env{"h\"o\\st", "r\x01", "us\xc3\xa9r", "", 7};
	ChunkEncoder enc(env, 2048, ms(0), ms(0));
	enc.writeIo(ms(0), kOut, "x");
	enc.finish();
	auto text = enc.takeMessages()[0].text;
	BOOST_TEST(text.rfind("{\"ver\":\"2.3\",\"host\":\"h\\\"o\\\\st\",\"rec\":\"r\\u0001\","
			      "\"user\":\"us\xc3\xa9r\",\"term\":\"\",\"session\":7,\"id\":1,",
			      0) == 0,
		   text);
	auto m = parseMessage(text, "t");
	BOOST_TEST(m.envelope.host == env.host);
	BOOST_TEST(m.envelope.rec == env.rec);
	BOOST_TEST(m.envelope.user == env.user);
	BOOST_TEST(m.envelope.session == 7u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(payload)

BOOST_AUTO_TEST_CASE(minimum_is_enforced)
{
	BOOST_CHECK_THROW(
	    ChunkEncoder(exampleEnvelope(), tlog::codec::kMinPayload - 1, ms(0), ms(0)),
	    std::invalid_argument);
	BOOST_CHECK_THROW(ChunkEncoder(exampleEnvelope(), 0, ms(0), ms(0)), std::invalid_argument);
	BOOST_CHECK_NO_THROW(
	    ChunkEncoder(exampleEnvelope(), tlog::codec::kMinPayload, ms(0), ms(0)));
}

struct SplitCase {
	const char *name;
	std::vector<Packet> packets;
	std::size_t payload;
	std::vector<std::string> timings;
};

BOOST_AUTO_TEST_CASE(messages_are_filled_exactly)
{
	const std::vector<SplitCase> cases = {
	    {"ascii",
	     {Packet::io(ms(0), kOut, std::string(100, 'a'))},
	     32,
	     {">29", ">29", ">29", ">13"}},
	    {"ascii with window",
	     {Packet::window(ms(0), 80, 24), Packet::io(ms(0), kOut, std::string(60, 'a'))},
	     32,
	     {"=80x24>23", "=80x24>23", "=80x24>14"}},
	    {"escaped", {Packet::io(ms(0), kIn, std::string(30, '\n'))}, 32, {"<14", "<14", "<2"}},
	    {"count gains a digit",
	     {Packet::io(ms(0), kOut, std::string(40, 'a'))},
	     40,
	     {">37", ">3"}},
	    {"binary",
	     {Packet::io(ms(0), kOut, std::string(9, '\xff'))},
	     32,
	     {"]4/4", "]4/4", "]1/1"}},
	    {"4-byte",
	     {Packet::io(ms(0), kOut,
			 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
			 "ab\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0"
			 "\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80")},
	     32,
	     {">9", ">2"}},
	    {"delay",
	     {Packet::io(ms(0), kOut, std::string(20, 'a')),
	      Packet::io(ms(1234), kOut, std::string(8, 'b'))},
	     32,
	     {">20+1234>2", ">6"}},
	};
	for (const auto &c : cases) {
		auto msgs = encodeAll(c.packets, c.payload);
		auto t = timings(msgs);
		BOOST_TEST(t == c.timings, c.name << boost::test_tools::per_element());
		for (const auto &m : msgs)
			BOOST_TEST(payloadSize(parseMessage(m.text, c.name)) <= c.payload, c.name);
		checkPackets(normalise(decodeAll(msgs)), model(c.packets), c.name);
	}
}

BOOST_AUTO_TEST_CASE(worst_case_records_fit_the_minimum)
{
	// The largest window record and the largest binary unit, alone and
	// together, at the minimum payload.
	std::vector<Packet> in = {Packet::window(ms(0), 65535, 65535)};
	for (int i = 0; i < 20; i++) {
		in.push_back(Packet::io(ms(i), i % 2 ? kIn : kOut,
					"\xf4\x8f\xbf"
					"A\xf0\x9f\x98"));
		in.push_back(Packet::window(ms(i), 65535, static_cast<std::uint16_t>(65535 - i)));
	}
	auto msgs = encodeAll(in, tlog::codec::kMinPayload);
	for (const auto &m : msgs) {
		auto parsed = parseMessage(m.text, "t");
		BOOST_TEST(payloadSize(parsed) <= tlog::codec::kMinPayload, parsed.timing);
		BOOST_TEST(parsed.timing.rfind("=65535x", 0) == 0, parsed.timing);
	}
	checkPackets(normalise(decodeAll(msgs)), model(in));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(message_bound)

namespace {

// journalctl -o json shows a MESSAGE of 4088 bytes or more as null: the
// journal writer's bound (JournalWriter::kMaxMessage).
constexpr std::size_t kJournalMax = 4087;

std::size_t digitCount(std::uint64_t v)
{
	return std::to_string(v).size();
}

// Envelopes whose fields grow in JSON: quotes, backslashes and control
// bytes escaped (up to 6 bytes each), invalid UTF-8 as U+FFFD (3 bytes).
std::vector<tlog::codec::Envelope> envelopes()
{
	auto plain = exampleEnvelope();
	auto longTerm = plain;
	longTerm.term = "xterm-" + std::string(1500, 't');
	auto escaped = plain;
	escaped.host = std::string(60, '"') + "h\xc3\xa9st";
	escaped.user = std::string(30, '\\') + "\xff\xfe";
	escaped.term = std::string(200, '\x01');
	auto empty = plain;
	empty.host = empty.user = empty.term = "";
	return {plain, longTerm, escaped, empty};
}

// Floods as a terminal gets them, in writes of up to 4096 bytes:
// ASCII lines, invalid bytes (each "255," in *_bin and U+FFFD in *_txt),
// 4-byte characters, control bytes (\u00XX), input among the output,
// window changes and delays.
std::vector<Packet> floods()
{
	std::string lines, invalid, wide, control, mixed;
	for (int i = 1; i <= 3000; i++)
		lines += std::to_string(i) + "\r\n";
	invalid.assign(12000, '\xff');
	for (int i = 0; i < 3000; i++)
		wide += "\xf0\x9f\x98\x80";
	for (int i = 0; i < 12000; i++)
		control += static_cast<char>(1 + i % 8);
	for (int i = 0; i < 1500; i++)
		mixed += "\xe2\x82\xac\"\\\xfe\t" + std::to_string(i);
	std::vector<Packet> packets{Packet::window(ms(0), 80, 24)};
	std::int64_t t = 0;
	for (const auto *data : {&lines, &invalid, &wide, &control, &mixed}) {
		for (std::size_t at = 0; at < data->size(); at += 4096) {
			packets.push_back(Packet::io(ms(t), kOut, data->substr(at, 4096)));
			if (at % 3 == 0)
				packets.push_back(Packet::io(ms(t), kIn, data->substr(at, 7)));
			t += at % 5 == 0 ? 1234 : 0;
		}
		packets.push_back(Packet::window(ms(t), 132, 43));
	}
	return packets;
}

} // namespace

BOOST_AUTO_TEST_CASE(overhead_is_all_a_message_adds_to_its_payload)
{
	// With id, pos and time's seconds 20 digits long a message would be
	// exactly payload + overhead: what they fall short of 20 is the slack.
	for (const auto &env : envelopes()) {
		tlog::codec::ChunkEncoder enc(env, 256, ms(0), std::chrono::seconds(1795837685));
		for (const auto &p : floods())
			enc.write(p);
		enc.finish();
		auto overhead = tlog::codec::messageOverhead(env);
		for (const auto &m : enc.takeMessages()) {
			auto parsed = parseMessage(m.text, "t");
			std::size_t slack = 60 - digitCount(m.id) - digitCount(parsed.pos) -
					    digitCount(static_cast<std::uint64_t>(*parsed.time));
			BOOST_TEST(m.text.size() + slack == payloadSize(parsed) + overhead,
				   env.term.size() << " id " << m.id);
		}
	}
}

BOOST_AUTO_TEST_CASE(floods_stay_below_the_journal_bound)
{
	// The payload the recorder gives the journal writer for each
	// envelope: no message reaches 4088 bytes, and they come close.
	const auto packets = floods();
	const auto want = model(packets);
	for (const auto &env : envelopes()) {
		auto overhead = tlog::codec::messageOverhead(env);
		BOOST_REQUIRE(overhead + tlog::codec::kMinPayload < kJournalMax);
		for (std::size_t payload : {kJournalMax - overhead, std::size_t(2048)}) {
			if (payload + overhead > kJournalMax)
				continue;
			tlog::codec::ChunkEncoder enc(env, payload, ms(0),
						      std::chrono::seconds(1795837685));
			for (const auto &p : packets)
				enc.write(p);
			enc.finish();
			auto msgs = enc.takeMessages();
			std::size_t largest = 0;
			for (const auto &m : msgs) {
				largest = std::max(largest, m.text.size());
				BOOST_TEST(m.text.size() <= kJournalMax,
					   "term " << env.term.size() << " payload " << payload
						   << " id " << m.id << ": " << m.text.size());
				BOOST_TEST(payloadSize(parseMessage(m.text, "t")) <= payload);
			}
			if (payload == kJournalMax - overhead)
				BOOST_TEST(largest + 100 > kJournalMax, largest);
			checkPackets(normalise(decodeAll(msgs)), want);
		}
	}
}

BOOST_AUTO_TEST_SUITE_END()
