// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/codec/message.hpp"
#include "tlog/codec/packet.hpp"

namespace tlog::codec {

/// Messages that a recording lacks between two that it has.
struct Gap {
	std::uint64_t firstMissing = 0;
	std::uint64_t lastMissing = 0;
};

/// A message whose first event comes before the last event of the
/// messages before it (the reference stops there: "Packet timestamp is out
/// of order"). Lax decoding plays its early events at that last event.
struct Overlap {
	std::uint64_t id = 0;		 ///< the message's id
	std::uint64_t firstEventMs = 0;	 ///< its first event, as recorded
	std::uint64_t previousEndMs = 0; ///< the last event before it: where it plays
};

/// The lax report of @p overlap, one line without the location, e.g.
/// "message 2 starts at 1000 ms, before the last event so far, at 1001 ms
/// (out of order): played from 1001 ms".
/// Throws: std::bad_alloc.
std::string describe(const Overlap &overlap);

/// Turns the messages of one recording, in order, into packets. It checks
/// that they belong together: ids rise by one (a hole is a Gap), no event
/// comes before one already decoded (an Overlap), and every count in a
/// timing script is backed by text.
///
/// An event is a window record or a record that carries I/O; its time is
/// pos plus the delays before it. A delay after the last record is no
/// event, and a message without events sets no time (as the reference
/// reads them). Times stay as the recording writes them: ms since the start
/// of the recording, the first pos included (the player starts its clock
/// at the first message's pos).
///
/// Pure: no I/O. One decoder per recording.
class ChunkDecoder {
public:
	/// With @p lax a hole in the ids is reported, not thrown. @p firstId
	/// is the id expected first (1 for a whole recording; another when
	/// playback starts in the middle, e.g. from a journal cursor; 0 takes
	/// whatever comes first).
	explicit ChunkDecoder(bool lax = false, std::uint64_t firstId = 1) noexcept
	    : lax_(lax), lastId_(firstId == 0 ? 0 : firstId - 1), anyId_(firstId == 0)
	{
	}

	/// Appends the packets of @p message to @p out, with ts = pos plus
	/// the delays, in milliseconds since the start of the recording.
	/// Consecutive records of one stream at one time are merged into one
	/// packet. Returns the ids missing before this message, if any (lax).
	/// With lax, events before the last one decoded are played at it (see
	/// overlap()). A message that is refused adds nothing to @p out and
	/// leaves the decoder as it was.
	/// Throws: base::FormatError "LOCATION: field 'F': ..." for a message
	/// that does not decode, an id that repeats or goes back, or (without
	/// lax) missing messages or an event out of order (field 'pos').
	std::optional<Gap> decode(const Message &message, std::string_view location,
				  std::vector<Packet> &out);

	/// Id of the last decoded message.
	std::uint64_t lastId() const noexcept { return lastId_; }

	/// The message out of order that the last decode() played on over
	/// (lax only), for the caller to report; empty otherwise.
	const std::optional<Overlap> &overlap() const noexcept { return overlap_; }

private:
	bool lax_;
	std::uint64_t lastId_;
	bool anyId_;				   // the first message may have any id
	bool started_ = false;			   // a message was decoded
	std::optional<std::uint64_t> lastEventMs_; // the latest event decoded
	std::optional<Overlap> overlap_;	   // of the last decode()
};

} // namespace tlog::codec
