// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "tlog/base/clock.hpp"

namespace tlog::codec {

/// What a packet carries.
enum class PacketType : std::uint8_t {
	Window, ///< the terminal window size changed (cols, rows)
	Input,	///< bytes typed by the user (data)
	Output, ///< bytes written by the program (data)
};

/// One event of a recording. For the encoder `ts` is any monotonic time
/// (compared with the recording's start); packets out of the decoder carry
/// the time since the start of the recording, in whole milliseconds.
struct Packet {
	base::Timestamp ts{};
	PacketType type = PacketType::Output;
	std::string data;	///< I/O bytes, any bytes (not necessarily UTF-8)
	std::uint16_t cols = 0; ///< window width, Window packets only
	std::uint16_t rows = 0; ///< window height, Window packets only

	bool operator==(const Packet &) const = default;

	static Packet window(base::Timestamp ts, std::uint16_t cols, std::uint16_t rows)
	{
		return Packet{ts, PacketType::Window, {}, cols, rows};
	}
	static Packet io(base::Timestamp ts, PacketType type, std::string data)
	{
		return Packet{ts, type, std::move(data), 0, 0};
	}
};

} // namespace tlog::codec
