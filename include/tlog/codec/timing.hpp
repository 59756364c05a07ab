// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tlog::codec {

/// One record of a message's timing script.
struct TimingRecord {
	enum class Kind : std::uint8_t {
		Delay,	   ///< "+N": a = milliseconds
		InText,	   ///< "<N": a = characters of in_txt
		InBinary,  ///< "[T/B": a = characters of in_txt, b = bytes of in_bin
		OutText,   ///< ">N"
		OutBinary, ///< "]T/B"
		Window,	   ///< "=CxR": a = cols, b = rows
	};
	Kind kind;
	std::uint64_t a = 0;
	std::uint64_t b = 0;

	bool operator==(const TimingRecord &) const = default;
};

/// Parses a timing script leniently, as the reference does: whitespace
/// between records, zero counts and "+0" are accepted; window sizes must
/// fit 1..65535 (0 is accepted too).
/// Throws: base::FormatError naming the offset of the bad character.
std::vector<TimingRecord> parseTiming(std::string_view timing);

} // namespace tlog::codec
