// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlog/codec/packet.hpp"

namespace tlog::fuzz {

/// Reports a broken property and aborts, so libFuzzer keeps the input as a
/// crash. Used for what no sanitizer sees: wrong results.
[[noreturn]] inline void fail(std::string_view what)
{
	std::fprintf(stderr, "fuzz property failed: %.*s\n", static_cast<int>(what.size()),
		     what.data());
	std::abort();
}

/// fail(@p what) unless @p ok.
inline void require(bool ok, std::string_view what)
{
	if (!ok)
		fail(what);
}

/// An error must name where it happened: its text starts with "@p where: ".
inline void requireLocated(const std::exception &e, std::string_view where)
{
	std::string_view text = e.what();
	if (text.size() <= where.size() + 2 || text.substr(0, where.size()) != where ||
	    text.substr(where.size(), 2) != ": ")
		fail("error does not start with \"" + std::string(where) +
		     ": \": " + std::string(text));
}

/// The bytes of the I/O packets of one direction, in order.
inline std::string streamBytes(const std::vector<codec::Packet> &packets, codec::PacketType type)
{
	std::string bytes;
	for (const auto &p : packets)
		if (p.type == type)
			bytes += p.data;
	return bytes;
}

/// The window sizes of @p packets with repeats of the current size dropped
/// (the encoder repeats it at the start of every message).
inline std::vector<std::pair<std::uint16_t, std::uint16_t>>
windowSizes(const std::vector<codec::Packet> &packets)
{
	std::vector<std::pair<std::uint16_t, std::uint16_t>> sizes;
	for (const auto &p : packets)
		if (p.type == codec::PacketType::Window &&
		    (sizes.empty() || sizes.back() != std::make_pair(p.cols, p.rows)))
			sizes.emplace_back(p.cols, p.rows);
	return sizes;
}

} // namespace tlog::fuzz
