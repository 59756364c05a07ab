// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tlog::base::utf8 {

/// What the bytes at the start of a buffer are.
enum class Kind : std::uint8_t {
	Valid,	    ///< one whole valid character of `length` bytes
	Invalid,    ///< `length` bytes that stand as one U+FFFD: a byte that
		    ///< cannot start a character, or a valid prefix cut short
	Incomplete, ///< every byte is a valid prefix, but too few of them
};

struct Unit {
	Kind kind;
	std::size_t length;
};

/// Classifies the first unit of @p p (strict: no overlongs, surrogates
/// or code points past U+10FFFF). @p n must be at least 1.
inline Unit next(const unsigned char *p, std::size_t n) noexcept
{
	unsigned char c = p[0];
	if (c < 0x80)
		return {Kind::Valid, 1};
	std::size_t need;
	unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return {Kind::Invalid, 1};
	}
	for (std::size_t i = 1; i < need; i++) {
		if (i >= n)
			return {Kind::Incomplete, n};
		unsigned char b = p[i];
		bool ok = i == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
		if (!ok)
			return {Kind::Invalid, i};
	}
	return {Kind::Valid, need};
}

/// How many bytes at the end of @p text (0 to 3) begin a character that
/// is not complete yet: the start of the next read may complete it.
std::size_t incompleteTail(std::string_view text) noexcept;

/// How many bytes of @p text, from its start and in steps of eight, are
/// ASCII: a fast way over the plain text that most terminal output is.
inline std::size_t asciiPrefix(std::string_view text) noexcept
{
	std::size_t i = 0;
	for (; i + 8 <= text.size(); i += 8) {
		std::uint64_t word;
		std::memcpy(&word, text.data() + i, sizeof(word));
		if ((word & 0x8080808080808080ull) != 0)
			break;
	}
	return i;
}

/// Number of code points that start in the eight bytes at @p p: the bytes
/// that are not continuation bytes (10xxxxxx).
inline unsigned leadBytes8(const char *p) noexcept
{
	std::uint64_t word;
	std::memcpy(&word, p, sizeof(word));
	// Bit 7 of each byte that has bit 7 set and bit 6 clear.
	std::uint64_t continuation = word & ~(word << 1) & 0x8080808080808080ull;
	// Summed into the top byte: no popcount instruction needed.
	return 8 - static_cast<unsigned>(((continuation >> 7) * 0x0101010101010101ull) >> 56);
}

/// Number of code points in valid UTF-8 @p text.
inline std::size_t countChars(std::string_view text) noexcept
{
	std::size_t count = 0;
	for (char c : text)
		count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
	return count;
}

/// True when all of @p text is valid UTF-8.
bool isValid(std::string_view text) noexcept;

/// @p text with each invalid unit replaced by U+FFFD.
std::string sanitize(std::string_view text);

/// The encoding of U+FFFD.
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

} // namespace tlog::base::utf8
