// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the encoder. The input is read as a recording: a payload
// size, an envelope and start times, then a stream of operations (input
// or output bytes, window sizes, clock steps forward and back, latency
// flushes, payload changes). Everything is encoded with ChunkEncoder, and
//  - every message is valid v2.3: the reference's field order and
//    escapes, no whitespace, parseMessage() accepts it, ids count from 1,
//    time is the start plus pos, the payload bound holds, and a message
//    after a window change starts with the window record;
//  - decode(encode(x)) == x: the same bytes per direction in the same
//    order, the same window sizes, and each byte at a time between the
//    arrival of its character and the moment the encoder could know it.
// A broken property aborts.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/utf8.hpp" // the encoder's own UTF-8 rules, for the envelope
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/json/escape.hpp"

using tlog::base::Timestamp;
using tlog::codec::ChunkEncoder;
using tlog::codec::EncodedMessage;
using tlog::codec::Packet;
using tlog::codec::PacketType;
using tlog::fuzz::fail;
using tlog::fuzz::require;

namespace {

using namespace std::chrono_literals;

// Reads the input from the front; past its end every read is zero.
class Input {
public:
	Input(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
	bool atEnd() const { return pos_ >= size_; }
	std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
	std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | byte() << 8); }
	std::uint32_t u32() { return u16() | static_cast<std::uint32_t>(u16()) << 16; }
	std::string bytes(std::size_t n)
	{
		n = std::min(n, size_ - std::min(pos_, size_));
		std::string out(reinterpret_cast<const char *>(data_ + pos_), n);
		pos_ += n;
		return out;
	}

private:
	const std::uint8_t *data_;
	std::size_t size_;
	std::size_t pos_ = 0;
};

std::size_t readPayload(Input &in)
{
	std::uint8_t b = in.byte();
	// Mostly small, so that messages split often; sometimes up to 32 KiB.
	if (b < 0x80)
		return tlog::codec::kMinPayload + b;
	return tlog::codec::kMinPayload + ((b & 0x7fu) << 8 | in.byte());
}

Timestamp readStep(Input &in)
{
	std::uint8_t kind = in.byte();
	std::uint16_t n = in.u16();
	switch (kind % 8) {
	case 0:
		return Timestamp(n); // nanoseconds
	case 1:
	case 2:
		return std::chrono::microseconds(n);
	case 3:
	case 4:
		return std::chrono::milliseconds(n % 2000);
	case 5:
		return std::chrono::seconds(n); // up to 18 hours
	case 6:
		return -Timestamp(n) * 100; // the clock went back a little
	default:
		return -std::chrono::milliseconds(n % 5000);
	}
}

// What was fed to the encoder, per direction: the bytes, and per byte the
// ms it arrived at (as the encoder counts them) and the latest ms any
// event had reached by then.
struct Fed {
	std::string bytes[2];
	std::vector<std::uint64_t> arrival[2];
	std::vector<std::uint64_t> reached[2];
	std::vector<std::pair<std::uint16_t, std::uint16_t>> windows;
	std::uint64_t finalReached = 0;
};

// The bytes of a JSON string as the encoder counts them for the payload.
std::size_t escapedLength(std::string_view text)
{
	std::size_t n = 0;
	for (unsigned char c : text)
		n += tlog::json::escapedSize(c);
	return n;
}

std::size_t binLength(std::string_view bytes)
{
	std::size_t n = bytes.empty() ? 0 : bytes.size() - 1; // commas
	for (unsigned char b : bytes)
		n += b >= 100 ? 3 : b >= 10 ? 2 : 1;
	return n;
}

// The text is laid out as the reference writes it: fields in order, no
// whitespace outside strings, only the escapes FORMAT.md lists.
void checkLayout(std::string_view text)
{
	static constexpr std::string_view kKeys[] = {
	    "\"ver\":\"2.3\"", "\"host\":",    "\"rec\":",	 "\"user\":",	  "\"term\":",
	    "\"session\":",    "\"id\":",      "\"pos\":",	 "\"time\":",	  "\"timing\":\"",
	    "\"in_txt\":\"",   "\"in_bin\":[", "\"out_txt\":\"", "\"out_bin\":[",
	};
	require(text.substr(0, 1) == "{" && text.substr(text.size() - 2) == "]}",
		"message is not {...]}");
	std::size_t at = 1;
	for (auto key : kKeys) {
		// Keys outside strings only: a quote inside a string is escaped.
		auto found = text.find(key, at);
		if (found != at && (found == std::string_view::npos || key == kKeys[0]))
			fail("field missing or out of order: " + std::string(key));
		at = found + key.size();
	}

	static constexpr std::string_view kHex = "0123456789abcdef";
	bool inString = false;
	for (std::size_t i = 0; i < text.size(); i++) {
		auto c = static_cast<unsigned char>(text[i]);
		require(c >= 0x20 && c != 0x7f, "a raw control byte in the message");
		if (!inString) {
			require(c != ' ', "whitespace outside strings");
			if (c == '"')
				inString = true;
			continue;
		}
		if (c == '"') {
			inString = false;
		} else if (c == '\\') {
			require(i + 1 < text.size(), "escape at the end");
			char e = text[++i];
			if (e == 'u') {
				require(i + 4 < text.size() && text.substr(i + 1, 2) == "00",
					"\\u beyond 00XX");
				auto hi = kHex.find(text[i + 3]), lo = kHex.find(text[i + 4]);
				require(hi != std::string_view::npos &&
					    lo != std::string_view::npos,
					"\\u00XX not in lower-case hex");
				auto v = hi * 16 + lo;
				require((v < 0x20 || v == 0x7f) && v != '\b' && v != '\f' &&
					    v != '\n' && v != '\r' && v != '\t',
					"\\u00XX where a raw byte or a short escape belongs");
				i += 4;
			} else {
				if (std::string_view("\"\\bfnrt").find(e) == std::string_view::npos)
					fail(std::string("unknown escape \\") + e);
			}
		}
	}
	require(!inString, "unterminated string");
}

void checkMessages(const std::vector<EncodedMessage> &messages,
		   const tlog::codec::Envelope &envelope, std::uint64_t startRealtimeMs,
		   std::size_t payloadBound, std::uint64_t &nextId,
		   tlog::codec::ChunkDecoder &decoder, std::vector<Packet> &decoded,
		   bool &windowKnown)
{
	for (const auto &e : messages) {
		require(e.id == nextId++, "ids do not count up from 1");
		require(e.text.find('\n') == std::string::npos, "a newline in a message");
		checkLayout(e.text);
		const std::string location = "message " + std::to_string(e.id);
		tlog::codec::Message m;
		try {
			m = tlog::codec::parseMessage(e.text, location);
		} catch (const tlog::base::FormatError &err) {
			fail(std::string("parseMessage refuses the encoder's message: ") +
			     err.what());
		}
		require(m.verMajor == 2 && m.verMinor == 3, "ver is not 2.3");
		require(m.id == e.id, "id field differs");
		using tlog::base::utf8::sanitize;
		require(m.envelope.host == sanitize(envelope.host) &&
			    m.envelope.rec == sanitize(envelope.rec) &&
			    m.envelope.user == sanitize(envelope.user) &&
			    m.envelope.term == sanitize(envelope.term) &&
			    m.envelope.session == envelope.session,
			"envelope differs");
		require(m.time && std::llround(*m.time * 1000) ==
				      static_cast<long long>(startRealtimeMs + m.pos),
			"time is not the start plus pos");
		std::size_t payload = m.timing.size() + escapedLength(m.inTxt) +
				      escapedLength(m.outTxt) + binLength(m.inBin) +
				      binLength(m.outBin);
		if (payload > payloadBound)
			fail("message over the payload (" + std::to_string(payload) + " > " +
			     std::to_string(payloadBound) + ")");
		require(!m.timing.empty(), "a message without records");

		const std::size_t first = decoded.size();
		try {
			decoder.decode(m, location, decoded);
		} catch (const tlog::base::FormatError &err) {
			fail(std::string("the encoder's messages do not decode: ") + err.what());
		}
		if (windowKnown)
			require(decoded.size() > first &&
				    decoded[first].type == PacketType::Window &&
				    decoded[first].ts == std::chrono::milliseconds(m.pos),
				"a message does not start with the window size");
		for (std::size_t i = first; i < decoded.size(); i++)
			windowKnown = windowKnown || decoded[i].type == PacketType::Window;
	}
}

void checkRoundTrip(const Fed &fed, const std::vector<Packet> &decoded)
{
	for (std::size_t i = 1; i < decoded.size(); i++)
		require(decoded[i].ts >= decoded[i - 1].ts, "decoded times go back");
	require(tlog::fuzz::windowSizes(decoded) == fed.windows, "window sizes differ");
	for (int d = 0; d < 2; d++) {
		const auto type = d == 0 ? PacketType::Input : PacketType::Output;
		const auto &bytes = fed.bytes[d];
		require(tlog::fuzz::streamBytes(decoded, type) == bytes,
			d == 0 ? "input bytes differ" : "output bytes differ");
		// A character is recorded once the encoder knows what it is: at
		// the time of one of its bytes, or of the byte that cut it short,
		// never before the last event so far. Its bytes lie within 3 of
		// each other and the byte that settles it comes at most 3 later.
		std::size_t b = 0;
		const std::size_t n = bytes.size();
		for (const auto &p : decoded) {
			if (p.type != type)
				continue;
			auto ms = static_cast<std::uint64_t>(
			    std::chrono::duration_cast<std::chrono::milliseconds>(p.ts).count());
			for (std::size_t k = 0; k < p.data.size(); k++, b++) {
				std::size_t lo = b >= 3 ? b - 3 : 0, hi = std::min(n - 1, b + 3);
				auto earliest = *std::min_element(fed.arrival[d].begin() + lo,
								  fed.arrival[d].begin() + hi + 1);
				auto latest = b + 3 < n ? fed.reached[d][b + 3] : fed.finalReached;
				if (ms < earliest || ms > latest)
					fail("byte " + std::to_string(b) + " at " +
					     std::to_string(ms) + " ms, outside " +
					     std::to_string(earliest) + ".." +
					     std::to_string(latest));
			}
		}
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	Input in(data, size);
	std::size_t payload = readPayload(in);
	tlog::codec::Envelope envelope;
	envelope.host = in.bytes(in.byte() % 16);
	envelope.rec = "6027409d86394d4ab87d20473c2304fe-2462-54d7";
	envelope.user = in.bytes(in.byte() % 16);
	envelope.term = in.bytes(in.byte() % 16);
	envelope.session = in.u32();
	const Timestamp start = Timestamp(in.u32()) * 1000;
	const std::uint64_t startRealtimeMs = 1795837685888ull + in.u32();
	ChunkEncoder encoder(envelope, payload, start, std::chrono::milliseconds(startRealtimeMs));

	Fed fed;
	Timestamp now = start;
	auto msOf = [&](Timestamp ts) -> std::uint64_t {
		return ts <= start ? 0 : static_cast<std::uint64_t>((ts - start) / 1ms);
	};
	std::uint64_t reached = 0;   // latest ms of any event so far
	std::size_t bound = payload; // largest payload in force while the open message was
	std::uint64_t nextId = 1;
	tlog::codec::ChunkDecoder decoder;
	std::vector<Packet> decoded;
	bool windowKnown = false;
	auto drain = [&]() {
		auto messages = encoder.takeMessages();
		checkMessages(messages, envelope, startRealtimeMs, bound, nextId, decoder, decoded,
			      windowKnown);
		if (!messages.empty())
			bound = encoder.payload();
	};

	for (int ops = 0; !in.atEnd() && ops < 4096; ops++) {
		std::uint8_t op = in.byte();
		switch (op % 8) {
		case 0:
		case 1:
		case 2:
		case 3: {
			int d = op % 2; // 0 input, 1 output
			std::string bytes = in.bytes(op / 8 + 1);
			reached = std::max(reached, msOf(now));
			for (std::size_t k = 0; k < bytes.size(); k++) {
				fed.arrival[d].push_back(msOf(now));
				fed.reached[d].push_back(reached);
			}
			fed.bytes[d] += bytes;
			encoder.writeIo(now, d == 0 ? PacketType::Input : PacketType::Output,
					bytes);
			break;
		}
		case 4: {
			auto cols = in.u16(), rows = in.u16();
			reached = std::max(reached, msOf(now));
			if (fed.windows.empty() || fed.windows.back() != std::make_pair(cols, rows))
				fed.windows.emplace_back(cols, rows);
			encoder.writeWindow(now, cols, rows);
			break;
		}
		case 5:
			now += readStep(in);
			break;
		case 6:
			encoder.flush();
			break; // latency expired
		case 7:
			encoder.setPayload(readPayload(in));
			bound = std::max(bound, encoder.payload());
			break;
		}
		drain();
	}
	encoder.finish();
	fed.finalReached = reached;
	drain();
	checkRoundTrip(fed, decoded);
	return 0;
}
