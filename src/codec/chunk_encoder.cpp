// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/chunk_encoder.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tlog/base/utf8.hpp"
#include "tlog/json/escape.hpp"

namespace tlog::codec {

namespace {

constexpr std::size_t digits(std::uint64_t v) noexcept
{
	std::size_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

// Whether the count @p v gains a digit when it grows by one.
constexpr bool gainsDigit(std::uint64_t v) noexcept
{
	return digits(v + 1) != digits(v);
}

void appendNumber(std::string &out, std::uint64_t v)
{
	if (v < 10) { // most runs of random bytes
		out += static_cast<char>('0' + v);
		return;
	}
	char buf[24];
	char *end = buf + sizeof(buf);
	char *p = end;
	do {
		*--p = static_cast<char>('0' + v % 10);
		v /= 10;
	} while (v != 0);
	out.append(p, static_cast<std::size_t>(end - p));
}

void appendQuoted(std::string &out, std::string_view text)
{
	out += '"';
	json::appendEscaped(out, base::utf8::sanitize(text));
	out += '"';
}

std::size_t windowRecordSize(std::uint16_t cols, std::uint16_t rows) noexcept
{
	return 2 + digits(cols) + digits(rows);
}

// Each byte's decimal digits for the "in_bin"/"out_bin" arrays, after a
// comma: ",0" to ",255", so that a byte is one copy, not a division loop
// (random output is mostly such bytes).
struct ByteNumbers {
	char text[256][4];
	unsigned char size[256]; // with the comma

	constexpr ByteNumbers() : text{}, size{}
	{
		for (unsigned v = 0; v < 256; v++) {
			unsigned n = 0;
			text[v][n++] = ',';
			if (v >= 100)
				text[v][n++] = static_cast<char>('0' + v / 100);
			if (v >= 10)
				text[v][n++] = static_cast<char>('0' + v / 10 % 10);
			text[v][n++] = static_cast<char>('0' + v % 10);
			size[v] = static_cast<unsigned char>(n);
		}
	}
};
constexpr ByteNumbers kByteNumbers;

// Appends the ASCII of @p p from @p k on (up to @p n) to @p txt, escaped,
// while it fits in @p room bytes with the digits that @p count, the open
// run's character count, gains on the way; updates both. Returns where
// it stopped: past the ASCII, at the end, or at a character that does
// not fit. One pass per byte: the encoder's hot path.
std::size_t appendAscii(std::string &txt, const char *p, std::size_t k, std::size_t n,
			std::size_t &roomLeft, std::uint64_t &runCount)
{
	// Locals in the loop: the references may alias what txt writes.
	std::size_t room = roomLeft;
	std::uint64_t count = runCount;
	std::uint64_t nextPower = 10; // the count that gains a digit
	while (nextPower <= count)
		nextPower *= 10;
	std::size_t plain = k; // start of bytes to copy as they are
	for (; k < n; k++) {
		auto c = static_cast<unsigned char>(p[k]);
		if (c >= 0x80)
			break;
		std::size_t escaped = json::escapedSize(c);
		std::size_t cost = escaped + (count + 1 == nextPower ? 1 : 0);
		if (cost > room)
			break;
		room -= cost;
		if (++count == nextPower)
			nextPower *= 10;
		if (escaped != 1) {
			txt.append(p + plain, k - plain);
			json::appendEscaped(txt, std::string_view(p + k, 1));
			plain = k + 1;
		}
	}
	txt.append(p + plain, k - plain);
	roomLeft = room;
	runCount = count;
	return k;
}

// Bytes @p bytes add to an "in_bin"/"out_bin" array now holding @p array.
std::size_t binSize(const std::string &array, std::string_view bytes) noexcept
{
	std::size_t size = 0;
	for (unsigned char b : bytes)
		size += kByteNumbers.size[b];
	// No comma before the first.
	return array.empty() && !bytes.empty() ? size - 1 : size;
}

void appendBytes(std::string &array, std::string_view bytes)
{
	for (unsigned char b : bytes) {
		// No comma before the first.
		std::size_t skip = array.empty() ? 1 : 0;
		array.append(kByteNumbers.text[b] + skip, kByteNumbers.size[b] - skip);
	}
}

// Everything of a message before its id's digits.
std::string envelopeHead(const Envelope &envelope)
{
	std::string head = "{\"ver\":\"2.3\",\"host\":";
	appendQuoted(head, envelope.host);
	head += ",\"rec\":";
	appendQuoted(head, envelope.rec);
	head += ",\"user\":";
	appendQuoted(head, envelope.user);
	head += ",\"term\":";
	appendQuoted(head, envelope.term);
	head += ",\"session\":";
	appendNumber(head, envelope.session);
	head += ",\"id\":";
	return head;
}

// What finishMessage() writes after the head besides the payload and the
// digits of id, pos and time's seconds.
constexpr std::string_view kFixedTail = ",\"pos\":,\"time\":.000,\"timing\":\"\",\"in_txt\":\"\","
					"\"in_bin\":[],\"out_txt\":\"\",\"out_bin\":[]}";

} // namespace

std::size_t messageOverhead(const Envelope &envelope)
{
	constexpr std::size_t kMaxDigits = digits(std::numeric_limits<std::uint64_t>::max());
	return envelopeHead(envelope).size() + kFixedTail.size() + 3 * kMaxDigits;
}

ChunkEncoder::ChunkEncoder(Envelope envelope, std::size_t payload, base::Timestamp start,
			   base::Timestamp startRealtime)
    : envelope_(std::move(envelope)), envelopeHead_(envelopeHead(envelope_)), payload_(payload),
      start_(start),
      startRealtimeMs_(static_cast<std::uint64_t>(
	  std::chrono::duration_cast<std::chrono::milliseconds>(startRealtime).count()))
{
	if (payload < kMinPayload)
		throw std::invalid_argument("payload must be at least " +
					    std::to_string(kMinPayload) + " bytes");
}

std::uint64_t ChunkEncoder::msOf(base::Timestamp ts) const noexcept
{
	auto ms = ts <= start_ ? 0 : static_cast<std::uint64_t>((ts - start_).count() / 1000000);
	// Time never goes back in a recording, whatever the caller's clock did.
	return ms < lastMs_ ? lastMs_ : ms;
}

std::size_t ChunkEncoder::openRunSize() const noexcept
{
	switch (run_) {
	case Run::None:
		return 0;
	case Run::InText:
	case Run::OutText:
		return 1 + digits(runChars_);
	case Run::InBinary:
	case Run::OutBinary:
		return 2 + digits(runChars_) + digits(runBytes_);
	}
	return 0;
}

std::size_t ChunkEncoder::size() const noexcept
{
	return timing_.size() + openRunSize() + inTxt_.size() + outTxt_.size() + inBin_.size() +
	       outBin_.size();
}

// Would a record of kind @p run (None: a window record of @p extra bytes)
// at @p ms, adding one character and @p extra content bytes, still fit?
bool ChunkEncoder::fits(std::uint64_t ms, std::size_t extra, Run run) const noexcept
{
	std::size_t total;
	if (empty_) {
		total = extra;
		if (window_ && run != Run::None)
			total += windowRecordSize(window_->first, window_->second);
		if (run != Run::None)
			total += 2; // the record with a one-digit count
		return total <= payload_;
	}
	total = size() + extra;
	bool sameTime = ms == lastMs_;
	if (!sameTime)
		total += 1 + digits(ms - lastMs_);
	if (run == Run::None)
		return total <= payload_;
	if (sameTime && run == run_)
		total += digits(runChars_ + 1) - digits(runChars_);
	else
		total += 2;
	return total <= payload_;
}

void ChunkEncoder::closeRun()
{
	switch (run_) {
	case Run::None:
		return;
	case Run::InText:
		timing_ += '<';
		break;
	case Run::OutText:
		timing_ += '>';
		break;
	case Run::InBinary:
		timing_ += '[';
		break;
	case Run::OutBinary:
		timing_ += ']';
		break;
	}
	appendNumber(timing_, runChars_);
	if (run_ == Run::InBinary || run_ == Run::OutBinary) {
		timing_ += '/';
		appendNumber(timing_, runBytes_);
	}
	run_ = Run::None;
	runChars_ = 0;
	runBytes_ = 0;
}

// Positions the message at @p ms for a record of @p run: starts the
// message (with the window record) or adds the delay, and opens the run.
void ChunkEncoder::beginEvent(std::uint64_t ms, std::size_t, Run run)
{
	if (empty_) {
		empty_ = false;
		posMs_ = ms;
		lastMs_ = ms;
		if (window_ && run != Run::None) {
			timing_ += '=';
			appendNumber(timing_, window_->first);
			timing_ += 'x';
			appendNumber(timing_, window_->second);
		}
	} else if (ms != lastMs_) {
		closeRun();
		timing_ += '+';
		appendNumber(timing_, ms - lastMs_);
		lastMs_ = ms;
	}
	if (run != run_)
		closeRun();
	run_ = run;
}

void ChunkEncoder::addText(base::Timestamp ts, bool output, std::string_view ch)
{
	std::uint64_t ms = msOf(ts);
	std::size_t extra = 0;
	for (unsigned char c : ch)
		extra += json::escapedSize(c);
	Run run = output ? Run::OutText : Run::InText;
	if (!fits(ms, extra, run)) {
		finishMessage();
		ms = msOf(ts);
	}
	if (empty_)
		firstTs_ = ts;
	beginEvent(ms, extra, run);
	json::appendEscaped(output ? outTxt_ : inTxt_, ch);
	runChars_++;
}

std::size_t ChunkEncoder::addAscii(base::Timestamp ts, bool output, std::string_view text)
{
	// The hot path, one pass per byte: find where the ASCII ends, count
	// what fits and escape, together.
	Run run = output ? Run::OutText : Run::InText;
	std::string &txt = output ? outTxt_ : inTxt_;
	const char *p = text.data();
	const std::size_t n = text.size();
	std::size_t k = 0;
	while (k < n && static_cast<unsigned char>(p[k]) < 0x80) {
		std::uint64_t ms = msOf(ts);
		if (!fits(ms, json::escapedSize(static_cast<unsigned char>(p[k])), run)) {
			finishMessage();
			ms = msOf(ts);
		}
		if (empty_)
			firstTs_ = ts;
		beginEvent(ms, 0, run);
		// The run is open at this time: take as many characters as fit.
		std::size_t room = size() < payload_ ? payload_ - size() : 0;
		k = appendAscii(txt, p, k, n, room, runChars_);
		bool full = k < n && static_cast<unsigned char>(p[k]) < 0x80;
		if (full)
			finishMessage();
	}
	return k;
}

void ChunkEncoder::addBinary(base::Timestamp ts, bool output, std::string_view bytes)
{
	std::uint64_t ms = msOf(ts);
	std::string &txt = output ? outTxt_ : inTxt_;
	std::string &bin = output ? outBin_ : inBin_;
	Run run = output ? Run::OutBinary : Run::InBinary;
	// One U+FFFD in the text, the bytes in the array; the record's byte
	// count may gain digits as well.
	auto extraFor = [&]() {
		std::size_t extra = base::utf8::kReplacement.size() + binSize(bin, bytes);
		if (!empty_ && run_ == run && ms == lastMs_)
			extra += digits(runBytes_ + bytes.size()) - digits(runBytes_);
		else
			extra += digits(bytes.size()) + 1;
		return extra;
	};
	if (!fits(ms, extraFor(), run)) {
		finishMessage();
		ms = msOf(ts);
	}
	if (empty_)
		firstTs_ = ts;
	beginEvent(ms, 0, run);
	txt += base::utf8::kReplacement;
	appendBytes(bin, bytes);
	runChars_++;
	runBytes_ += bytes.size();
}

std::size_t ChunkEncoder::addUnits(bool output, const unsigned char *p, std::size_t n)
{
	// What fits() and the add functions count, unit by unit, for the
	// same time as the last record: a unit in the open run adds its
	// bytes and the digits its count (and byte count) gain; one that
	// starts a run adds the record (">1", "]1/N") too.
	const Run textRun = output ? Run::OutText : Run::InText;
	const Run binRun = output ? Run::OutBinary : Run::InBinary;
	std::string &txt = output ? outTxt_ : inTxt_;
	std::string &bin = output ? outBin_ : inBin_;
	std::size_t total = size();
	std::size_t k = 0;
	auto open = [&](Run run) {
		if (run_ != run) {
			closeRun();
			run_ = run;
		}
	};
	while (k < n) {
		if (p[k] < 0x80 && run_ == textRun) {
			// The hot path of text: ASCII copied in stretches.
			// A message may be over the payload already (a unit too big
			// for an empty one is taken whole): then nothing fits.
			const std::size_t start = total < payload_ ? payload_ - total : 0;
			std::size_t room = start;
			k = appendAscii(txt, reinterpret_cast<const char *>(p), k, n, room,
					runChars_);
			total += start - room;
			if (k < n && p[k] < 0x80)
				break; // full
			continue;
		}
		base::utf8::Unit u = base::utf8::next(p + k, n - k);
		if (u.kind == base::utf8::Kind::Incomplete)
			break;
		if (u.kind == base::utf8::Kind::Valid) {
			std::size_t cost = (u.length == 1 ? json::escapedSize(p[k]) : u.length) +
					   (run_ == textRun ? (gainsDigit(runChars_) ? 1 : 0) : 2);
			if (total + cost > payload_)
				break;
			open(textRun);
			if (u.length > 1) // bytes past ASCII are not escaped
				txt.append(reinterpret_cast<const char *>(p) + k, u.length);
			else
				json::appendEscaped(
				    txt,
				    std::string_view(reinterpret_cast<const char *>(p) + k, 1));
			runChars_++;
			total += cost;
			k += u.length;
			continue;
		}
		std::string_view unit(reinterpret_cast<const char *>(p) + k, u.length);
		std::size_t cost = base::utf8::kReplacement.size() + binSize(bin, unit);
		if (run_ == binRun)
			cost += (gainsDigit(runChars_) ? 1 : 0) + digits(runBytes_ + u.length) -
				digits(runBytes_);
		else
			cost += 3 + digits(u.length);
		if (total + cost > payload_)
			break;
		open(binRun);
		txt += base::utf8::kReplacement;
		appendBytes(bin, unit);
		runChars_++;
		runBytes_ += u.length;
		total += cost;
		k += u.length;
	}
	assert(total == size());
	return k;
}

void ChunkEncoder::writeBytes(base::Timestamp ts, bool output, std::string_view bytes)
{
	auto p = reinterpret_cast<const unsigned char *>(bytes.data());
	std::size_t n = bytes.size();
	std::size_t i = 0;
	std::string &held = held_[output ? 1 : 0];

	// Complete a character cut at the end of the previous write. The held
	// bytes are a valid prefix, so only the byte added now can cut it.
	while (!held.empty() && i < n) {
		held += static_cast<char>(p[i]);
		auto h = reinterpret_cast<const unsigned char *>(held.data());
		base::utf8::Unit u = base::utf8::next(h, held.size());
		if (u.kind == base::utf8::Kind::Invalid) {
			// The prefix is binary; the new byte is read again as a start.
			// The prefix was output when it arrived, not when the byte
			// that cut it came (as the reference records it).
			addBinary(heldTs_[output ? 1 : 0], output,
				  std::string_view(held).substr(0, u.length));
			held.clear();
			break;
		}
		i++;
		if (u.kind == base::utf8::Kind::Valid) {
			addText(ts, output, held);
			held.clear();
		}
	}

	while (i < n) {
		// A message open at this time takes what fits in one pass; the
		// rest (a new message or time, a character cut short) goes unit
		// by unit below.
		if (!empty_ && msOf(ts) == lastMs_) {
			i += addUnits(output, p + i, n - i);
			if (i == n)
				break;
		}
		if (p[i] < 0x80) {
			i += addAscii(ts, output, std::string_view(bytes.data() + i, n - i));
			continue;
		}
		base::utf8::Unit u = base::utf8::next(p + i, n - i);
		std::string_view unit(bytes.data() + i, u.length);
		switch (u.kind) {
		case base::utf8::Kind::Valid:
			addText(ts, output, unit);
			break;
		case base::utf8::Kind::Invalid:
			addBinary(ts, output, unit);
			break;
		case base::utf8::Kind::Incomplete:
			held.assign(unit);
			heldTs_[output ? 1 : 0] = ts;
			break;
		}
		i += u.length;
	}
}

void ChunkEncoder::writeIo(base::Timestamp ts, PacketType type, std::string_view bytes)
{
	assert(type != PacketType::Window);
	writeBytes(ts, type == PacketType::Output, bytes);
}

void ChunkEncoder::writeWindow(base::Timestamp ts, std::uint16_t cols, std::uint16_t rows)
{
	std::uint64_t ms = msOf(ts);
	std::size_t extra = windowRecordSize(cols, rows);
	if (!fits(ms, extra, Run::None)) {
		finishMessage();
		ms = msOf(ts);
	}
	if (empty_)
		firstTs_ = ts;
	beginEvent(ms, extra, Run::None);
	timing_ += '=';
	appendNumber(timing_, cols);
	timing_ += 'x';
	appendNumber(timing_, rows);
	window_ = std::make_pair(cols, rows);
}

void ChunkEncoder::write(const Packet &packet)
{
	if (packet.type == PacketType::Window)
		writeWindow(packet.ts, packet.cols, packet.rows);
	else
		writeIo(packet.ts, packet.type, packet.data);
}

void ChunkEncoder::flush()
{
	if (!empty_)
		finishMessage();
}

void ChunkEncoder::finish()
{
	// The older of the two held prefixes first, so time does not go back.
	bool outputFirst = !held_[0].empty() && !held_[1].empty() && heldTs_[1] < heldTs_[0];
	for (int k = 0; k < 2; k++) {
		int s = outputFirst ? 1 - k : k;
		if (held_[s].empty())
			continue;
		std::string bytes = std::move(held_[s]);
		held_[s].clear();
		addBinary(heldTs_[s], s == 1, bytes);
	}
	flush();
}

void ChunkEncoder::finishWithMessage(base::Timestamp ts)
{
	finish();
	if (!ready_.empty())
		return;
	// No records, not even the window: "timing":"", a message the
	// reference's readers and Cockpit play as nothing.
	std::uint64_t ms = std::max(msOf(ts), lastMs_);
	posMs_ = ms;
	lastMs_ = ms;
	finishMessage();
}

std::optional<base::Timestamp> ChunkEncoder::firstRecordTime() const noexcept
{
	if (empty_)
		return std::nullopt;
	return firstTs_;
}

std::vector<EncodedMessage> ChunkEncoder::takeMessages() noexcept
{
	return std::exchange(ready_, {});
}

void ChunkEncoder::finishMessage()
{
	closeRun();
	EncodedMessage msg;
	msg.id = nextId_++;
	std::string &t = msg.text;
	t.reserve(envelopeHead_.size() + size() + 128);
	t += envelopeHead_;
	appendNumber(t, msg.id);
	t += ",\"pos\":";
	appendNumber(t, posMs_);
	t += ",\"time\":";
	std::uint64_t timeMs = startRealtimeMs_ + posMs_;
	appendNumber(t, timeMs / 1000);
	t += '.';
	t += static_cast<char>('0' + timeMs / 100 % 10);
	t += static_cast<char>('0' + timeMs / 10 % 10);
	t += static_cast<char>('0' + timeMs % 10);
	t += ",\"timing\":\"";
	t += timing_;
	t += "\",\"in_txt\":\"";
	t += inTxt_;
	t += "\",\"in_bin\":[";
	t += inBin_;
	t += "],\"out_txt\":\"";
	t += outTxt_;
	t += "\",\"out_bin\":[";
	t += outBin_;
	t += "]}";
	ready_.push_back(std::move(msg));

	empty_ = true;
	timing_.clear();
	inTxt_.clear();
	outTxt_.clear();
	inBin_.clear();
	outBin_.clear();
}

} // namespace tlog::codec
