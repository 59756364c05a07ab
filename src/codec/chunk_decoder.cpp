// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/chunk_decoder.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "tlog/base/error.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/codec/timing.hpp"

namespace tlog::codec {

namespace {

// Packets carry nanoseconds in an int64: a time past this many ms (about
// 292 years) cannot be one. parseMessage() lets pos and delays go to 2^53.
constexpr std::uint64_t kMaxMs = static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(base::Timestamp::max()).count());

// Walks one text field and its bin array as the timing records consume them.
class StreamCursor {
public:
	StreamCursor(std::string_view txt, std::string_view bin, const char *txtName,
		     const char *binName)
	    : txt_(txt), bin_(bin), txtName_(txtName), binName_(binName)
	{
	}

	// Takes @p chars characters of text; nullopt names what ran out.
	std::string_view text(std::uint64_t chars, std::string &error)
	{
		std::size_t start = txtPos_;
		std::uint64_t need = chars;
		// Eight bytes at a time while they cannot hold more characters
		// than are still needed; this may stop inside a character.
		while (need >= 8 && txt_.size() - txtPos_ >= 8) {
			need -= base::utf8::leadBytes8(txt_.data() + txtPos_);
			txtPos_ += 8;
		}
		skipContinuation();
		for (; need > 0; need--) {
			if (txtPos_ >= txt_.size()) {
				error = std::string(txtName_) + " has " +
					std::to_string(base::utf8::countChars(txt_.substr(start))) +
					" characters left, the record needs " +
					std::to_string(chars);
				return {};
			}
			txtPos_++;
			skipContinuation();
		}
		return txt_.substr(start, txtPos_ - start);
	}

	std::string_view binary(std::uint64_t chars, std::uint64_t bytes, std::string &error)
	{
		if (text(chars, error).data() == nullptr && chars != 0)
			return {};
		if (bytes > bin_.size() - binPos_) {
			error = std::string(binName_) + " has " +
				std::to_string(bin_.size() - binPos_) +
				" bytes left, the record needs " + std::to_string(bytes);
			return {};
		}
		auto out = bin_.substr(binPos_, bytes);
		binPos_ += bytes;
		return out;
	}

	// What is left over, for the error message; empty when all was used.
	std::string leftover() const
	{
		if (txtPos_ < txt_.size())
			return std::string(txtName_) + " has " +
			       std::to_string(base::utf8::countChars(txt_.substr(txtPos_))) +
			       " characters that no timing record uses";
		if (binPos_ < bin_.size())
			return std::string(binName_) + " has " +
			       std::to_string(bin_.size() - binPos_) +
			       " bytes that no timing record uses";
		return {};
	}

private:
	void skipContinuation() noexcept
	{
		while (txtPos_ < txt_.size() &&
		       (static_cast<unsigned char>(txt_[txtPos_]) & 0xC0) == 0x80)
			txtPos_++;
	}

	std::string_view txt_, bin_;
	const char *txtName_, *binName_;
	std::size_t txtPos_ = 0, binPos_ = 0;
};

// Merges neighbouring I/O packets of one stream at one time, from @p first on.
void mergeSameTime(std::vector<Packet> &out, std::size_t first)
{
	std::size_t kept = first;
	for (std::size_t i = first; i < out.size(); i++) {
		if (kept > first && out[i].type != PacketType::Window &&
		    out[kept - 1].type == out[i].type && out[kept - 1].ts == out[i].ts) {
			out[kept - 1].data += out[i].data;
			continue;
		}
		if (kept != i)
			out[kept] = std::move(out[i]);
		kept++;
	}
	out.erase(out.begin() + static_cast<std::ptrdiff_t>(kept), out.end());
}

} // namespace

std::string describe(const Overlap &overlap)
{
	return "message " + std::to_string(overlap.id) + " starts at " +
	       std::to_string(overlap.firstEventMs) + " ms, before the last event so far, at " +
	       std::to_string(overlap.previousEndMs) + " ms (out of order): played from " +
	       std::to_string(overlap.previousEndMs) + " ms";
}

std::optional<Gap> ChunkDecoder::decode(const Message &message, std::string_view location,
					std::vector<Packet> &out)
{
	// A refused message leaves nothing behind in @p out.
	const std::size_t first = out.size();
	auto fail = [&](std::string_view field, const std::string &what) {
		out.erase(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
		throw base::FormatError(std::string(location) + ": field '" + std::string(field) +
					"': " + what);
	};
	overlap_.reset();

	std::optional<Gap> gap;
	if (started_ || !anyId_) {
		if (message.id <= lastId_)
			fail("id", "message " + std::to_string(message.id) +
				       " comes after message " + std::to_string(lastId_) +
				       " (repeated or out of order)");
		if (message.id > lastId_ + 1) {
			gap = Gap{lastId_ + 1, message.id - 1};
			if (!lax_)
				fail("id",
				     std::to_string(message.id) + " follows " +
					 std::to_string(lastId_) + ": " +
					 (gap->firstMissing == gap->lastMissing
					      ? "message " + std::to_string(gap->firstMissing) +
						    " is missing"
					      : "messages " + std::to_string(gap->firstMissing) +
						    "-" + std::to_string(gap->lastMissing) +
						    " are missing") +
					 " (use --lax to play on)");
		}
	}
	if (message.pos > kMaxMs)
		fail("pos", std::to_string(message.pos) + " ms is beyond the longest recording (" +
				std::to_string(kMaxMs) + " ms)");

	std::vector<TimingRecord> records;
	try {
		records = parseTiming(message.timing);
	} catch (const base::FormatError &e) {
		fail("timing", e.what());
	}

	using Kind = TimingRecord::Kind;
	StreamCursor in(message.inTxt, message.inBin, "in_txt", "in_bin");
	StreamCursor outs(message.outTxt, message.outBin, "out_txt", "out_bin");
	std::uint64_t ms = message.pos;
	std::optional<std::uint64_t> firstEvent;
	std::uint64_t lastEvent = 0;
	std::string error;

	auto emit = [&](PacketType type, std::string_view data) {
		if (!firstEvent)
			firstEvent = ms;
		lastEvent = ms;
		base::Timestamp ts = std::chrono::milliseconds(ms);
		// Records of one stream at one time make one packet.
		if (out.size() > first && out.back().type == type && out.back().ts == ts)
			out.back().data.append(data);
		else
			out.push_back(Packet::io(ts, type, std::string(data)));
	};

	for (const auto &r : records) {
		switch (r.kind) {
		case Kind::Delay:
			// r.a <= 2^53 and ms <= kMaxMs: the sum cannot wrap.
			ms += r.a;
			if (ms > kMaxMs)
				fail("timing", "the delays reach " + std::to_string(ms) +
						   " ms, beyond the longest recording (" +
						   std::to_string(kMaxMs) + " ms)");
			break;
		case Kind::Window:
			if (!firstEvent)
				firstEvent = ms;
			lastEvent = ms;
			out.push_back(Packet::window(std::chrono::milliseconds(ms),
						     static_cast<std::uint16_t>(r.a),
						     static_cast<std::uint16_t>(r.b)));
			break;
		case Kind::InText:
		case Kind::OutText: {
			auto &cur = r.kind == Kind::InText ? in : outs;
			auto text = cur.text(r.a, error);
			if (!error.empty())
				fail("timing", error);
			if (!text.empty())
				emit(r.kind == Kind::InText ? PacketType::Input
							    : PacketType::Output,
				     text);
			break;
		}
		case Kind::InBinary:
		case Kind::OutBinary: {
			auto &cur = r.kind == Kind::InBinary ? in : outs;
			auto bytes = cur.binary(r.a, r.b, error);
			if (!error.empty())
				fail("timing", error);
			if (!bytes.empty())
				emit(r.kind == Kind::InBinary ? PacketType::Input
							      : PacketType::Output,
				     bytes);
			break;
		}
		}
	}
	if (auto left = in.leftover(); !left.empty())
		fail("timing", left);
	if (auto left = outs.leftover(); !left.empty())
		fail("timing", left);

	// The reference's rule: no event before one already read. (Within a
	// message times never go back; the first event is the one to check.)
	std::optional<Overlap> overlap;
	if (firstEvent && lastEventMs_ && *firstEvent < *lastEventMs_) {
		if (!lax_)
			fail("pos", "message " + std::to_string(message.id) + " starts at " +
					std::to_string(*firstEvent) +
					" ms, before the last event so far, at " +
					std::to_string(*lastEventMs_) +
					" ms (out of order; use --lax to play on)");
		// Played on: what comes too early plays at the previous last
		// event, in its order; what comes later keeps its time.
		overlap = Overlap{message.id, *firstEvent, *lastEventMs_};
		const base::Timestamp end = std::chrono::milliseconds(*lastEventMs_);
		for (std::size_t i = first; i < out.size() && out[i].ts < end; i++)
			out[i].ts = end;
		mergeSameTime(out, first);
	}

	started_ = true;
	lastId_ = message.id;
	if (firstEvent)
		lastEventMs_ = std::max(lastEventMs_.value_or(0), lastEvent);
	overlap_ = overlap;
	return gap;
}

} // namespace tlog::codec
