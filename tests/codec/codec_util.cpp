// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec_util.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>

#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/json/escape.hpp"

namespace tlog::test {

codec::Envelope exampleEnvelope()
{
	return codec::Envelope{"vm", "6027409d86394d4ab87d20473c2304fe-2462-54d7", "root", "xterm",
			       codec::kNoSession};
}

base::Timestamp ms(std::int64_t v)
{
	return std::chrono::milliseconds(v);
}

base::Timestamp ns(std::int64_t v)
{
	return std::chrono::nanoseconds(v);
}

std::vector<codec::EncodedMessage> encodeAll(const std::vector<Packet> &packets,
					     std::size_t payload, base::Timestamp realtimeStart)
{
	codec::ChunkEncoder enc(exampleEnvelope(), payload, base::Timestamp{0}, realtimeStart);
	for (const auto &p : packets)
		enc.write(p);
	enc.finish();
	return enc.takeMessages();
}

std::vector<Packet> decodeTexts(const std::vector<std::string> &texts)
{
	codec::ChunkDecoder dec;
	std::vector<Packet> out;
	for (std::size_t i = 0; i < texts.size(); i++) {
		std::string where = "msg" + std::to_string(i + 1);
		dec.decode(codec::parseMessage(texts[i], where), where, out);
	}
	return out;
}

std::vector<Packet> decodeAll(const std::vector<codec::EncodedMessage> &messages)
{
	std::vector<std::string> texts;
	for (const auto &m : messages)
		texts.push_back(m.text);
	return decodeTexts(texts);
}

std::vector<std::string> timings(const std::vector<codec::EncodedMessage> &messages)
{
	std::vector<std::string> out;
	for (const auto &m : messages)
		out.push_back(codec::parseMessage(m.text, "timings").timing);
	return out;
}

std::vector<Packet> normalise(std::vector<Packet> packets)
{
	std::vector<Packet> out;
	bool haveWindow = false;
	std::uint16_t cols = 0, rows = 0;
	for (auto &p : packets) {
		if (p.type == PacketType::Window) {
			if (haveWindow && p.cols == cols && p.rows == rows)
				continue;
			haveWindow = true;
			cols = p.cols;
			rows = p.rows;
			out.push_back(std::move(p));
			continue;
		}
		if (p.data.empty())
			continue;
		if (!out.empty() && out.back().type == p.type && out.back().ts == p.ts)
			out.back().data += p.data;
		else
			out.push_back(std::move(p));
	}
	return out;
}

namespace {

enum class Unit { Valid, Invalid, Incomplete };

// Unicode 15 table 3-7, well-formed UTF-8 byte sequences, written out on
// its own (not the codec's classifier) so the model checks the codec.
std::pair<Unit, std::size_t> classify(std::string_view s, std::size_t i)
{
	auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
	unsigned char b0 = at(0);
	if (b0 <= 0x7F)
		return {Unit::Valid, 1};
	struct Range {
		unsigned char lo, hi;
	};
	std::vector<Range> seq;
	if (b0 >= 0xC2 && b0 <= 0xDF)
		seq = {{0x80, 0xBF}};
	else if (b0 == 0xE0)
		seq = {{0xA0, 0xBF}, {0x80, 0xBF}};
	else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
		seq = {{0x80, 0xBF}, {0x80, 0xBF}};
	else if (b0 == 0xED)
		seq = {{0x80, 0x9F}, {0x80, 0xBF}};
	else if (b0 == 0xF0)
		seq = {{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}};
	else if (b0 >= 0xF1 && b0 <= 0xF3)
		seq = {{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}};
	else if (b0 == 0xF4)
		seq = {{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}};
	else
		return {Unit::Invalid, 1};
	for (std::size_t k = 0; k < seq.size(); k++) {
		if (i + 1 + k >= s.size())
			return {Unit::Incomplete, s.size() - i};
		unsigned char b = at(1 + k);
		if (b < seq[k].lo || b > seq[k].hi)
			return {Unit::Invalid, 1 + k};
	}
	return {Unit::Valid, seq.size() + 1};
}

} // namespace

std::vector<Packet> model(const std::vector<Packet> &packets)
{
	std::vector<Packet> out;
	std::int64_t last = 0;
	std::string held[2];
	std::int64_t heldMs[2] = {0, 0};
	base::Timestamp heldTs[2]{}; // to order the two at the end
	auto floorMs = [](base::Timestamp ts) {
		return ts.count() <= 0 ? std::int64_t{0} : ts.count() / 1000000;
	};
	auto emit = [&](Packet p, std::int64_t t) {
		last = std::max(last, t);
		p.ts = ms(last);
		out.push_back(std::move(p));
	};
	for (const auto &p : packets) {
		std::int64_t m = floorMs(p.ts);
		if (p.type == PacketType::Window) {
			emit(p, m);
			continue;
		}
		int s = p.type == PacketType::Output ? 1 : 0;
		std::string buf = held[s] + p.data;
		std::size_t heldSize = held[s].size();
		held[s].clear();
		for (std::size_t i = 0; i < buf.size();) {
			auto [unit, len] = classify(buf, i);
			if (unit == Unit::Incomplete) {
				if (i >= heldSize) {
					heldMs[s] = m;
					heldTs[s] = p.ts;
				}
				held[s] = buf.substr(i);
				break;
			}
			std::int64_t t = i < heldSize && unit == Unit::Invalid ? heldMs[s] : m;
			emit(Packet::io({}, p.type, buf.substr(i, len)), t);
			i += len;
		}
	}
	bool outputFirst = !held[0].empty() && !held[1].empty() && heldTs[1] < heldTs[0];
	for (int s : {outputFirst ? 1 : 0, outputFirst ? 0 : 1})
		if (!held[s].empty())
			emit(Packet::io({}, s == 1 ? PacketType::Output : PacketType::Input,
					held[s]),
			     heldMs[s]);
	return normalise(std::move(out));
}

std::string streamBytes(const std::vector<Packet> &packets, PacketType type)
{
	std::string out;
	for (const auto &p : packets)
		if (p.type == type)
			out += p.data;
	return out;
}

namespace {

std::string escaped(std::string_view s)
{
	std::string out;
	json::appendEscaped(out, s);
	return out;
}

std::string binArray(std::string_view bytes)
{
	std::string out;
	for (unsigned char b : bytes) {
		if (!out.empty())
			out += ',';
		out += std::to_string(b);
	}
	return out;
}

std::string timeText(double t)
{
	// Whole milliseconds: round to the nearest, then print 3 decimals.
	auto msTotal = static_cast<std::int64_t>(t * 1000.0 + 0.5);
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%lld.%03lld", static_cast<long long>(msTotal / 1000),
		      static_cast<long long>(msTotal % 1000));
	return buf;
}

} // namespace

std::string layout(const codec::Message &m)
{
	const auto &e = m.envelope;
	return "{\"ver\":\"2.3\",\"host\":\"" + escaped(e.host) + "\",\"rec\":\"" + escaped(e.rec) +
	       "\",\"user\":\"" + escaped(e.user) + "\",\"term\":\"" + escaped(e.term) +
	       "\",\"session\":" + std::to_string(e.session) + ",\"id\":" + std::to_string(m.id) +
	       ",\"pos\":" + std::to_string(m.pos) + ",\"time\":" + timeText(m.time.value_or(0)) +
	       ",\"timing\":\"" + m.timing + "\",\"in_txt\":\"" + escaped(m.inTxt) +
	       "\",\"in_bin\":[" + binArray(m.inBin) + "],\"out_txt\":\"" + escaped(m.outTxt) +
	       "\",\"out_bin\":[" + binArray(m.outBin) + "]}";
}

std::size_t payloadSize(const codec::Message &m)
{
	return m.timing.size() + escaped(m.inTxt).size() + escaped(m.outTxt).size() +
	       binArray(m.inBin).size() + binArray(m.outBin).size();
}

std::string show(const std::vector<Packet> &packets)
{
	std::ostringstream s;
	for (const auto &p : packets) {
		s << std::chrono::duration_cast<std::chrono::microseconds>(p.ts).count() << "us ";
		if (p.type == PacketType::Window) {
			s << "=" << p.cols << "x" << p.rows << "\n";
			continue;
		}
		s << (p.type == PacketType::Input ? "<" : ">") << " \"";
		for (unsigned char c : p.data) {
			if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
				s << c;
			} else {
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\x%02x", c);
				s << buf;
			}
		}
		s << "\"\n";
	}
	return s.str();
}

void checkPackets(const std::vector<Packet> &got, const std::vector<Packet> &want,
		  std::string_view context)
{
	if (got == want) {
		BOOST_TEST(true);
		return;
	}
	std::size_t i = 0;
	while (i < got.size() && i < want.size() && got[i] == want[i])
		i++;
	BOOST_ERROR(std::string(context)
		    << ": packets differ at index " << i << "\n--- got (" << got.size() << ")\n"
		    << show(got) << "--- want (" << want.size() << ")\n"
		    << show(want));
}

} // namespace tlog::test
