// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: recording lines through parseMessage() and ChunkDecoder,
// strict and lax; its fast path (simdjson) against json-c's. The input is one JSON line, or a few
// lines read as one recording. Every failure must be a FormatError that names the line; a message
// that decodes must decode the same after re-encoding, and must be refused when it comes again (its
// id repeats). Packet times never go back across messages: the strict decoder refuses an event out
// of order, the lax one plays it at the last event and says so (overlap()).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/json/json_ref.hpp"

using tlog::base::FormatError;
using tlog::codec::ChunkDecoder;
using tlog::codec::Message;
using tlog::codec::Packet;
using tlog::codec::PacketType;
using tlog::fuzz::fail;
using tlog::fuzz::require;
using tlog::fuzz::requireLocated;
using tlog::fuzz::streamBytes;

namespace {

constexpr std::size_t kMaxLines = 16;

// What parseMessage() accepted, checked against json-c directly.
void checkAccepted(std::string_view line, const Message &m)
{
	auto root = tlog::json::JsonRef::parse(line);
	auto ver = root.member("ver");
	require(ver.has_value(), "accepted a message without ver");
	if (ver->type() == tlog::json::JsonType::Int)
		require(ver->asInt() >= 0 && ver->asInt() <= 2 &&
			    static_cast<unsigned>(ver->asInt()) == m.verMajor,
			"an integer ver other than 0-2 accepted, or read wrong");
	require(m.verMajor <= 2, "accepted a major version above 2");
	auto id = root.member("id");
	require(id && id->type() == tlog::json::JsonType::Int && id->asInt() >= 0 &&
		    static_cast<std::uint64_t>(id->asInt()) == m.id,
		"id differs from the JSON");
	auto pos = root.member("pos");
	require(pos && pos->type() == tlog::json::JsonType::Int && pos->asInt() >= 0 &&
		    static_cast<std::uint64_t>(pos->asInt()) == m.pos,
		"pos differs from the JSON");
}

// The packets of one decoded message, checked on their own.
void checkPackets(const Message &m, const std::vector<Packet> &packets)
{
	auto last = tlog::base::Timestamp::min();
	for (const auto &p : packets) {
		require(p.ts >= std::chrono::milliseconds(m.pos), "a packet before pos");
		require(p.ts >= last, "packet times go back");
		last = p.ts;
		require(p.type == PacketType::Window || !p.data.empty(), "an empty I/O packet");
	}
	auto in = streamBytes(packets, PacketType::Input);
	auto out = streamBytes(packets, PacketType::Output);
	// Text is taken whole, or replaced by its bin bytes (U+FFFD only).
	require(in.size() >= m.inBin.size() && in.size() <= m.inTxt.size() + m.inBin.size(),
		"input bytes do not add up");
	require(out.size() >= m.outBin.size() && out.size() <= m.outTxt.size() + m.outBin.size(),
		"output bytes do not add up");
}

// Encoding the decoded packets again and decoding that gives the same
// bytes per direction and the same window sizes.
void checkReencode(const Message &m, const std::vector<Packet> &packets)
{
	using namespace std::chrono;
	tlog::codec::ChunkEncoder encoder(m.envelope, 256, tlog::base::Timestamp{0},
					  tlog::base::Timestamp{0});
	for (const auto &p : packets)
		encoder.write(p);
	encoder.finish();
	ChunkDecoder decoder;
	std::vector<Packet> again;
	for (const auto &e : encoder.takeMessages()) {
		try {
			decoder.decode(tlog::codec::parseMessage(e.text, "re-encoded"),
				       "re-encoded", again);
		} catch (const FormatError &err) {
			fail(std::string("re-encoded message does not decode: ") + err.what());
		}
	}
	require(streamBytes(again, PacketType::Input) == streamBytes(packets, PacketType::Input),
		"input differs after re-encoding");
	require(streamBytes(again, PacketType::Output) == streamBytes(packets, PacketType::Output),
		"output differs after re-encoding");
	require(tlog::fuzz::windowSizes(again) == tlog::fuzz::windowSizes(packets),
		"window sizes differ after re-encoding");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	ChunkDecoder strict;	   // a whole recording, ids from 1
	ChunkDecoder lax(true, 0); // --lax, starting anywhere
	bool strictAlive = true;   // the strict player stops at an error
	// The latest packet time each decoder gave.
	auto strictLast = tlog::base::Timestamp::min();
	auto laxLast = tlog::base::Timestamp::min();
	for (std::size_t n = 1; n <= kMaxLines && !input.empty(); n++) {
		auto eol = input.find('\n');
		std::string_view line = input.substr(0, eol);
		input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
		const std::string location = "fuzz.log:" + std::to_string(n);

		// The fast path (simdjson) must read what it takes exactly as
		// json-c's full path reads it.
		auto fast = tlog::codec::parseMessageFast(line);
		Message m;
		try {
			m = tlog::codec::parseMessageFull(line, location);
		} catch (const FormatError &e) {
			require(!fast, "the fast path took a message that json-c refuses");
			requireLocated(e, location);
			continue;
		}
		require(!fast || *fast == m, "the fast path read a message unlike json-c");
		checkAccepted(line, m);

		for (auto *decoder : {&strict, &lax}) {
			if (decoder == &strict && !strictAlive)
				continue;
			std::vector<Packet> packets;
			try {
				decoder->decode(m, location, packets);
			} catch (const FormatError &e) {
				requireLocated(e, location);
				if (decoder == &strict)
					strictAlive = false;
				continue;
			}
			require(decoder->lastId() == m.id, "lastId is not the message's id");
			checkPackets(m, packets);
			auto &last = decoder == &strict ? strictLast : laxLast;
			const auto &overlap = decoder->overlap();
			require(!overlap || decoder == &lax, "the strict decoder played on");
			if (!packets.empty()) {
				require(packets.front().ts >= last, "packet times go back");
				require(!overlap ||
					    packets.front().ts ==
						std::chrono::milliseconds(overlap->previousEndMs),
					"an overlap not played at the previous last event");
				last = packets.back().ts;
			}
			if (decoder == &strict)
				checkReencode(m, packets);

			// The same message again: its id repeats.
			ChunkDecoder copy = *decoder;
			std::vector<Packet> ignored;
			try {
				copy.decode(m, location, ignored);
				fail("a repeated id was accepted");
			} catch (const FormatError &e) {
				requireLocated(e, location);
			}
		}
	}
	return 0;
}
