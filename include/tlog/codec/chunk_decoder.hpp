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

/// Turns the messages of one recording, in order, into packets. It checks
/// that they belong together: ids rise by one (a hole is a Gap), pos never
/// goes back, and every count in a timing script is backed by text.
///
/// Pure: no I/O. One decoder per recording.
class ChunkDecoder
{
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
	/// Throws: base::FormatError "LOCATION: ..." for a message that does
	/// not decode, an id that repeats or goes back, pos that goes back, or
	/// (without lax) missing messages.
	std::optional<Gap> decode(const Message &message, std::string_view location,
				  std::vector<Packet> &out);

	/// Id of the last decoded message.
	std::uint64_t lastId() const noexcept { return lastId_; }

private:
	bool lax_;
	std::uint64_t lastId_;
	bool anyId_;              // the first message may have any id
	bool started_ = false;    // a message was decoded
	std::uint64_t lastPos_ = 0;
};

} // namespace tlog::codec
