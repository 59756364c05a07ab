// SPDX-License-Identifier: GPL-2.0-or-later
// decode(encode(x)) == x for random packet streams, after the normalisation
// the format implies (see model() in codec_util.hpp).
#define BOOST_TEST_MODULE round_trip
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "codec_util.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/chunk_encoder.hpp"

using namespace tlog::test;
using tlog::codec::ChunkEncoder;
using tlog::codec::parseMessage;

namespace {

using Rng = std::mt19937_64;

std::uint64_t uniform(Rng &rng, std::uint64_t lo, std::uint64_t hi)
{
	return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
}

// A stream of bytes with every kind of content the encoder must handle.
std::string randomBytes(Rng &rng, std::size_t units)
{
	static const std::vector<std::string> kChars = {
	    "\xc3\xa9",	    "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf",
	    "\xef\xbf\xbd", "\xe0\xa0\x80", "\xf0\x90\x80\x80", "\xc2\x80",
	};
	std::string out;
	for (std::size_t i = 0; i < units; i++) {
		switch (uniform(rng, 0, 9)) {
		case 0:
		case 1:
		case 2:
			out += static_cast<char>(uniform(rng, 0x20, 0x7e));
			break;
		case 3:
			out += static_cast<char>(uniform(rng, 0, 0x1f));
			break;
		case 4:
			out += "\"\\\x7f"[uniform(rng, 0, 2)];
			break;
		case 5:
		case 6:
			out += kChars[uniform(rng, 0, kChars.size() - 1)];
			break;
		case 7:
			out += static_cast<char>(uniform(rng, 0x80, 0xff));
			break;
		case 8: {
			// A character cut short.
			const auto &c = kChars[uniform(rng, 0, kChars.size() - 1)];
			out += c.substr(0, uniform(rng, 1, c.size() - 1));
			break;
		}
		default:
			out += std::string(uniform(rng, 1, 40), 'x');
			break;
		}
	}
	return out;
}

std::int64_t randomStep(Rng &rng)
{
	switch (uniform(rng, 0, 19)) {
	case 0:
		return 0;
	case 1:
		return -static_cast<std::int64_t>(uniform(rng, 1, 3000000)); // clock went back
	case 2:
		return static_cast<std::int64_t>(uniform(rng, 1, 5)) * 3600000000000; // hours
	case 3:
		return static_cast<std::int64_t>(uniform(rng, 1000000000, 60000000000));
	case 4:
	case 5:
		return static_cast<std::int64_t>(uniform(rng, 1, 999)); // ns
	default:
		return static_cast<std::int64_t>(uniform(rng, 1000, 2000000)); // up to 2 ms
	}
}

struct Input {
	std::vector<Packet> packets; // times relative to the start
	std::vector<bool> flushAfter;
	std::size_t payload;
};

Input randomInput(std::uint64_t seed)
{
	Rng rng(seed);
	Input in;
	in.payload = uniform(rng, 0, 3) == 0 ? uniform(rng, 32, 48) : uniform(rng, 32, 600);
	std::size_t count = uniform(rng, 1, 150);
	std::int64_t t = static_cast<std::int64_t>(uniform(rng, 0, 5000000));
	// Each stream is one byte sequence cut into packets at random points,
	// so characters split across packets often.
	std::string pending[2] = {randomBytes(rng, count * 2), randomBytes(rng, count * 3)};
	for (std::size_t i = 0; i < count; i++) {
		t = std::max<std::int64_t>(0, t + randomStep(rng));
		auto r = uniform(rng, 0, 9);
		if (r == 0) {
			auto big = uniform(rng, 0, 4) == 0;
			in.packets.push_back(
			    Packet::window(ns(t),
					   static_cast<std::uint16_t>(big ? uniform(rng, 0, 65535)
									  : uniform(rng, 1, 300)),
					   static_cast<std::uint16_t>(big ? uniform(rng, 0, 65535)
									  : uniform(rng, 1, 100))));
		} else {
			int s = r <= 3 ? 0 : 1;
			std::string &src = pending[s];
			if (src.empty())
				src = randomBytes(rng, 10);
			auto n = std::min<std::size_t>(src.size(), uniform(rng, 1, 24));
			in.packets.push_back(Packet::io(
			    ns(t), s ? PacketType::Output : PacketType::Input, src.substr(0, n)));
			src.erase(0, n);
		}
		in.flushAfter.push_back(uniform(rng, 0, 15) == 0);
	}
	return in;
}

void checkSeed(std::uint64_t seed)
{
	const Input in = randomInput(seed);
	const auto start = ns(1234567890123);		// monotonic start
	const auto realStart = ns(1795837685888123456); // wall clock at start
	ChunkEncoder enc(exampleEnvelope(), in.payload, start, realStart);
	for (std::size_t i = 0; i < in.packets.size(); i++) {
		Packet p = in.packets[i];
		p.ts += start;
		enc.write(p);
		if (in.flushAfter[i])
			enc.flush();
	}
	enc.finish();
	auto msgs = enc.takeMessages();
	const std::string ctx =
	    "seed " + std::to_string(seed) + " payload " + std::to_string(in.payload);

	bool windowSeen = false;
	std::uint64_t lastPos = 0;
	for (std::size_t i = 0; i < msgs.size(); i++) {
		auto m = parseMessage(msgs[i].text, ctx);
		BOOST_TEST(msgs[i].id == i + 1, ctx);
		BOOST_TEST(m.id == i + 1, ctx);
		BOOST_TEST(payloadSize(m) <= in.payload, ctx << " message " << i + 1);
		BOOST_TEST(layout(m) == msgs[i].text, ctx << " message " << i + 1);
		BOOST_TEST(m.pos >= lastPos, ctx);
		BOOST_TEST(!m.timing.empty(), ctx);
		lastPos = m.pos;
		// 1795837685888 ms at the start, plus pos.
		auto wantMs = 1795837685888 + static_cast<std::int64_t>(m.pos);
		auto gotMs = static_cast<std::int64_t>(m.time.value() * 1000.0 + 0.5);
		BOOST_TEST(gotMs == wantMs, ctx);
		if (windowSeen)
			BOOST_TEST(m.timing.front() == '=',
				   ctx << " message " << i + 1 << " " << m.timing);
		windowSeen = windowSeen || m.timing.find('=') != std::string::npos;
	}
	checkPackets(normalise(decodeAll(msgs)), model(in.packets), ctx);
	BOOST_TEST(streamBytes(decodeAll(msgs), PacketType::Output) ==
		       streamBytes(in.packets, PacketType::Output),
		   ctx);
	BOOST_TEST(streamBytes(decodeAll(msgs), PacketType::Input) ==
		       streamBytes(in.packets, PacketType::Input),
		   ctx);
}

} // namespace

BOOST_AUTO_TEST_CASE(random_streams_round_trip)
{
	for (std::uint64_t seed = 1; seed <= 1500; seed++)
		checkSeed(seed);
}

BOOST_AUTO_TEST_CASE(large_payload_round_trip)
{
	// One long recording in big messages (the default payload).
	Rng rng(99);
	std::vector<Packet> packets;
	std::int64_t t = 0;
	for (int i = 0; i < 3000; i++) {
		t += static_cast<std::int64_t>(uniform(rng, 0, 900000));
		packets.push_back(Packet::io(ns(t), i % 4 ? PacketType::Output : PacketType::Input,
					     randomBytes(rng, uniform(rng, 1, 30))));
	}
	auto msgs = encodeAll(packets, 2048);
	BOOST_TEST(msgs.size() > 10u);
	for (const auto &m : msgs)
		BOOST_TEST(payloadSize(parseMessage(m.text, "big")) <= 2048u);
	checkPackets(normalise(decodeAll(msgs)), model(packets), "large");
}
