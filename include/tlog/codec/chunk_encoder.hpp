// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/codec/packet.hpp"

namespace tlog::codec {

/// A finished message: its id and its JSON text (no newline).
struct EncodedMessage {
	std::uint64_t id = 0;
	std::string text;
};

/// Smallest payload the encoder accepts; every single record fits.
inline constexpr std::size_t kMinPayload = 32;

/// The most bytes a message of @p envelope takes besides its payload: the
/// envelope as encoded (escaped), the other field names and punctuation,
/// and id, pos and time at their longest (20 digits each). No message of
/// a ChunkEncoder made with @p envelope is longer than this plus its
/// payload bound, so payload + messageOverhead() bounds the whole message.
/// Throws: std::bad_alloc.
std::size_t messageOverhead(const Envelope &envelope);

/// Turns packets into v2.3 messages, byte-compatible with the reference:
/// same field order, no whitespace, the same escapes, strict UTF-8 split
/// into *_txt / *_bin, and the current window record at the start of each
/// message. Unlike the reference it carries the sub-millisecond remainder
/// (positions are the floor of the real time, so delays add up to the
/// clock) and keeps input and output records in their true order.
///
/// Pure: no I/O, no clock. Time comes in with the packets. Finished
/// messages queue up until takeMessages().
class ChunkEncoder {
public:
	/// @p start is the monotonic time of the recording's start (pos 0),
	/// @p startRealtime the wall-clock time (since the epoch) of the same
	/// instant, used for the "time" field. @p payload bounds timing plus
	/// the four text/bin fields of a message (kMinPayload at least).
	/// Throws: std::invalid_argument for a payload below kMinPayload.
	ChunkEncoder(Envelope envelope, std::size_t payload, base::Timestamp start,
		     base::Timestamp startRealtime);

	/// Adds I/O bytes. A UTF-8 character cut at the end of @p bytes is held
	/// until the next call for the same stream completes it.
	void writeIo(base::Timestamp ts, PacketType type, std::string_view bytes);
	/// Adds a window size record.
	void writeWindow(base::Timestamp ts, std::uint16_t cols, std::uint16_t rows);
	/// Dispatches to writeIo() or writeWindow().
	void write(const Packet &packet);

	/// Ends the current message if it holds any record (latency expiry).
	/// A held partial character stays held.
	void flush();
	/// Ends the recording: held partial characters become binary records,
	/// then flush().
	void finish();
	/// finish(), and when that leaves no message to hand over, an empty
	/// one at @p ts (not before the last record): the recording's last
	/// message, which a writer can mark as its end.
	void finishWithMessage(base::Timestamp ts);

	/// Time of the first record of the unfinished message, if any: the
	/// caller flushes at this + latency.
	std::optional<base::Timestamp> firstRecordTime() const noexcept;

	bool hasMessages() const noexcept { return !ready_.empty(); }
	/// Hands over the finished messages, oldest first.
	std::vector<EncodedMessage> takeMessages() noexcept;

	/// Changes the payload bound from the next record on (kMinPayload at
	/// least).
	void setPayload(std::size_t payload) noexcept
	{
		payload_ = payload < kMinPayload ? kMinPayload : payload;
	}
	std::size_t payload() const noexcept { return payload_; }

	/// Id the next finished message will get (1 for the first).
	std::uint64_t nextId() const noexcept { return nextId_; }
	const Envelope &envelope() const noexcept { return envelope_; }

private:
	struct Stream;
	enum class Run : std::uint8_t { None, InText, InBinary, OutText, OutBinary };

	void addText(base::Timestamp ts, bool output, std::string_view ch);
	/// Adds the ASCII at the start of @p text; returns how many bytes it took.
	std::size_t addAscii(base::Timestamp ts, bool output, std::string_view text);
	void addBinary(base::Timestamp ts, bool output, std::string_view bytes);
	/// Adds the units of @p p (@p n bytes) at the open message's time,
	/// text and binary alike, in one pass with the size kept as it goes;
	/// returns the bytes taken. Stops before a unit that does not fit or
	/// is cut short at the end (those take the paths above).
	std::size_t addUnits(bool output, const unsigned char *p, std::size_t n);
	void writeBytes(base::Timestamp ts, bool output, std::string_view bytes);
	std::uint64_t msOf(base::Timestamp ts) const noexcept;
	std::size_t openRunSize() const noexcept;
	std::size_t size() const noexcept;
	void beginEvent(std::uint64_t ms, std::size_t extra, Run run);
	bool fits(std::uint64_t ms, std::size_t extra, Run run) const noexcept;
	void closeRun();
	void finishMessage();

	Envelope envelope_;
	std::string envelopeHead_; // everything before "id"
	std::size_t payload_;
	base::Timestamp start_;
	std::uint64_t startRealtimeMs_;
	std::uint64_t nextId_ = 1;

	// The unfinished message.
	bool empty_ = true;
	std::uint64_t posMs_ = 0;  // pos of its first record
	std::uint64_t lastMs_ = 0; // time of its last record
	base::Timestamp firstTs_{};
	std::string timing_;
	std::string inTxt_, outTxt_; // escaped
	std::string inBin_, outBin_; // "255,254"
	Run run_ = Run::None;	     // the open run, not yet in timing_
	std::uint64_t runChars_ = 0;
	std::uint64_t runBytes_ = 0;

	// Window size, known after the first window packet.
	std::optional<std::pair<std::uint16_t, std::uint16_t>> window_;
	// A character cut at the end of a write, per stream (input, output).
	std::string held_[2];
	base::Timestamp heldTs_[2]{};

	std::vector<EncodedMessage> ready_;
};

} // namespace tlog::codec
