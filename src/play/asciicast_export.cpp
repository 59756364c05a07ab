// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/asciicast_export.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/base/utf8.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/json/escape.hpp"
#include "tlog/play/output_filter.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::play {

namespace {

// Output is written in pieces of about this size.
constexpr std::size_t kFlushSize = 64 * 1024;

} // namespace

void appendCastText(std::string &out, std::string_view data)
{
	json::appendEscaped(out, base::utf8::sanitize(data));
}

std::string formatCastTime(base::Timestamp ts)
{
	auto us = std::chrono::duration_cast<std::chrono::microseconds>(ts).count();
	if (us < 0)
		us = 0; // times are since the start; nothing comes before it
	char buf[48];
	std::snprintf(buf, sizeof(buf), "%" PRId64 ".%06" PRId64,
		      static_cast<std::int64_t>(us / 1000000),
		      static_cast<std::int64_t>(us % 1000000));
	return buf;
}

AsciicastWriter::AsciicastWriter(AsciicastHeader header, base::Timestamp idleLimit)
    : header_(std::move(header)), idle_(idleLimit)
{
	// The pauses are shortened already: a player that shortens them
	// again to the same limit changes nothing.
	if (idle_.active())
		header_.idleTimeLimit = idleLimit;
	// Pauses are counted from the start of the recording, so a long one
	// before the first event is shortened too.
	idle_.map(base::Timestamp::zero());
}

void AsciicastWriter::writeHeader(std::uint16_t width, std::uint16_t height, std::string &out)
{
	out += "{\"version\": 2, \"width\": " + std::to_string(width) +
	       ", \"height\": " + std::to_string(height);
	if (header_.timestamp)
		out += ", \"timestamp\": " + std::to_string(*header_.timestamp);
	if (header_.idleTimeLimit) {
		// Seconds with up to six decimals, as a JSON number ("2.5").
		std::string limit = formatCastTime(*header_.idleTimeLimit);
		limit.erase(limit.find_last_not_of('0') + 1);
		if (limit.back() == '.')
			limit.pop_back();
		out += ", \"idle_time_limit\": " + limit;
	}
	if (!header_.term.empty()) {
		out += ", \"env\": {\"TERM\": \"";
		appendCastText(out, header_.term);
		out += "\"}";
	}
	out += "}\n";
	headerDone_ = true;
	cols_ = width;
	rows_ = height;
}

void AsciicastWriter::writeEvent(base::Timestamp ts, char code, std::string_view data,
				 std::string &out)
{
	out += '[';
	out += formatCastTime(idle_.map(ts));
	out += ", \"";
	out += code;
	out += "\", \"";
	appendCastText(out, data);
	out += "\"]\n";
	events_++;
}

void AsciicastWriter::add(const codec::Packet &packet, std::string &out)
{
	if (packet.type == codec::PacketType::Window) {
		// A pty that never had a size (script(1), some CI runners) is
		// recorded as 0x0: asciicast has no way to say "unknown", and
		// players need a real size.
		if (packet.cols == 0 || packet.rows == 0)
			return;
		if (!headerDone_) {
			writeHeader(packet.cols, packet.rows, out);
			return;
		}
		if (packet.cols == cols_ && packet.rows == rows_)
			return; // tlog repeats the size at the start of each message
		cols_ = packet.cols;
		rows_ = packet.rows;
		writeEvent(packet.ts, 'r', std::to_string(cols_) + "x" + std::to_string(rows_),
			   out);
		return;
	}
	if (packet.data.empty())
		return;
	if (!headerDone_)
		writeHeader(kDefaultCastWidth, kDefaultCastHeight, out);
	writeEvent(packet.ts, packet.type == codec::PacketType::Output ? 'o' : 'i', packet.data,
		   out);
}

void AsciicastWriter::finish(std::string &out)
{
	if (!headerDone_)
		writeHeader(kDefaultCastWidth, kDefaultCastHeight, out);
}

void exportAsciicast(source::Reader &reader, const ExportOptions &options, int outFd)
{
	codec::ChunkDecoder decoder(options.lax, options.fromMiddle ? 0 : 1);
	std::optional<std::string> rec;
	std::vector<std::string> others;
	std::optional<AsciicastWriter> writer;
	// Whoever plays the file sees it on a terminal: what acts outside the
	// screen is left out, with one filter across events.
	OutputFilter filter;
	std::vector<codec::Packet> packets;
	std::string out;
	for (;;) {
		auto raw = source::readWaiting(reader);
		if (!raw)
			break;
		auto message = source::parse(*raw);
		if (!options.select.matches(message.envelope))
			continue;
		const std::string &id = message.envelope.rec;
		if (!rec && (options.match.empty() || id == options.match))
			rec = id;
		if (!rec || id != *rec) {
			if (std::find(others.begin(), others.end(), id) == others.end())
				others.push_back(id);
			continue;
		}
		packets.clear();
		if (auto gap = decoder.decode(message, raw->location, packets))
			base::logLine(raw->location +
				      (gap->firstMissing == gap->lastMissing
					   ? ": message " + std::to_string(gap->firstMissing)
					   : ": messages " + std::to_string(gap->firstMissing) +
						 "-" + std::to_string(gap->lastMissing)) +
				      " missing");
		if (const auto &overlap = decoder.overlap())
			base::logLine(raw->location + ": " + codec::describe(*overlap));
		if (!writer) {
			AsciicastHeader header;
			header.term = message.envelope.term;
			// The source's own limit (an asciicast header's) goes
			// along with the times as recorded, as asciinema's
			// recorder writes them; options.idleLimit overrides it.
			if (auto limit = reader.idleLimit())
				header.idleTimeLimit = *limit;
			if (message.time)
				header.timestamp = static_cast<std::int64_t>(std::floor(
				    *message.time - static_cast<double>(message.pos) / 1000.0));
			writer.emplace(std::move(header), options.idleLimit);
		}
		for (auto &packet : packets) {
			if (packet.type == codec::PacketType::Output && !options.rawOutput)
				packet.data = filter.filter(packet.data);
			writer->add(packet, out);
		}
		if (out.size() >= kFlushSize) {
			base::writeAll(outFd, out);
			out.clear();
		}
	}
	if (!rec && !options.select.any() && !options.fromMiddle)
		throw std::runtime_error(reader.name() + ": no recording matches " +
					 options.select.describe());
	if (!rec && !options.match.empty() && !options.fromMiddle) {
		std::string text = reader.name() + ": no recording " + options.match;
		for (std::size_t i = 0; i < others.size(); i++)
			text += (i == 0 ? " (found: " : " ") + others[i];
		throw std::runtime_error(text + (others.empty() ? "" : ")"));
	}
	if (!writer)
		writer.emplace(AsciicastHeader{}, options.idleLimit);
	writer->finish(out);
	base::writeAll(outFd, out);
	if (!others.empty()) {
		std::string text = "also in " + reader.name() + ":";
		for (std::size_t i = 0; i < others.size(); i++)
			text += (i == 0 ? " " : ", ") + others[i];
		base::logLine(text + (options.match.empty() ? " (choose with -m)" : ""));
	}
}

} // namespace tlog::play
