// SPDX-License-Identifier: GPL-2.0-or-later
// Our encoder against recordings made by the reference tlog-rec (Debian
// tlog 12.1; tests/data/README): fed the same bytes at the same times, it
// must produce messages that decode to the same bytes, and where the
// reference's own output is unambiguous, the very same JSON text.
#define BOOST_TEST_MODULE reference
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "codec_util.hpp"
#include "support/files.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/chunk_encoder.hpp"

using namespace tlog::test;
using tlog::codec::ChunkEncoder;
using tlog::codec::parseMessage;

namespace {

struct Golden {
	const char *file;
	std::size_t payload;
	bool exact; // our JSON text must equal the reference's
};

const std::vector<Golden> kGolden = {
    {"codec-ref-control.log", 2048, true}, {"codec-ref-invalid.log", 2048, true},
    {"codec-ref-wide.log", 2048, true},	   {"codec-ref-payload64.log", 64, true},
    {"codec-ref-payload40.log", 40, true}, {"codec-ref-split.log", 2048, true},
};

std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		if (!line.empty())
			out.push_back(line);
	return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(encoder_matches_the_reference)
{
	for (const auto &g : kGolden) {
		auto ref = lines(readFile(dataPath(g.file)));
		BOOST_REQUIRE_MESSAGE(!ref.empty(), g.file);
		auto first = parseMessage(ref[0], g.file);
		auto refPackets = decodeTexts(ref);

		// The recording's start: the first message's time minus its pos.
		auto timeMs = static_cast<std::int64_t>(std::llround(first.time.value() * 1000.0));
		auto realStart = ms(timeMs - static_cast<std::int64_t>(first.pos));
		ChunkEncoder enc(first.envelope, g.payload, ms(0), realStart);
		for (const auto &p : refPackets)
			enc.write(p);
		enc.finish();
		auto ours = enc.takeMessages();

		checkPackets(normalise(decodeAll(ours)), normalise(refPackets), g.file);
		BOOST_TEST(streamBytes(decodeAll(ours), PacketType::Output) ==
			       streamBytes(refPackets, PacketType::Output),
			   g.file);
		if (!g.exact)
			continue;
		BOOST_TEST_REQUIRE(ours.size() == ref.size(), g.file);
		for (std::size_t i = 0; i < ref.size(); i++)
			BOOST_TEST(ours[i].text == ref[i], g.file << " message " << i + 1);
	}
}

BOOST_AUTO_TEST_CASE(reference_files_round_trip_through_our_layout)
{
	// Our independent layout() rebuilds each reference line byte for byte:
	// the field order, escapes and number formats we check our encoder
	// with are the reference's.
	for (const auto &g : kGolden)
		for (const auto &line : lines(readFile(dataPath(g.file))))
			BOOST_TEST(layout(parseMessage(line, g.file)) == line, g.file);
}
