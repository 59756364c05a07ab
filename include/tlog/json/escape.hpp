// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tlog::json {

namespace detail {

constexpr std::array<std::uint8_t, 256> makeEscapedSizes() noexcept
{
	std::array<std::uint8_t, 256> sizes{};
	for (std::size_t c = 0; c < 256; c++)
		sizes[c] = 1;
	for (std::size_t c = 0; c < 0x20; c++)
		sizes[c] = 6; // \u00XX
	sizes[0x7f] = 6;
	for (char c : {'\b', '\f', '\n', '\r', '\t', '"', '\\'})
		sizes[static_cast<unsigned char>(c)] = 2;
	return sizes;
}

inline constexpr std::array<std::uint8_t, 256> kEscapedSizes = makeEscapedSizes();

} // namespace detail

/// Bytes that byte @p c takes inside a JSON string as tlog writes it:
/// \" \\ \b \f \n \r \t, \u00xx for other control bytes and DEL, else raw.
constexpr std::size_t escapedSize(unsigned char c) noexcept
{
	return detail::kEscapedSizes[c];
}

/// Appends @p text (valid UTF-8) to @p out escaped as escapedSize() says,
/// without the surrounding quotes.
void appendEscaped(std::string &out, std::string_view text);

} // namespace tlog::json
