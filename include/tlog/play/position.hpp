// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>

#include "tlog/base/clock.hpp"

namespace tlog::play {

/// A place in a recording to fast-forward to: a time since its start, or
/// its end.
struct PlayPosition {
	bool end = false;
	base::Timestamp time{}; ///< since the start; ignored when end
	bool operator==(const PlayPosition &) const = default;
};

/// Parses "start", "end" or a time "[[H:]M:]S[.f]" where any part may be
/// left empty to mean zero ("30:" is 30 minutes, "2::" two hours, "90.5"
/// ninety and a half seconds). Fractions are kept to the nanosecond.
/// Throws: base::UsageError naming @p text.
PlayPosition parsePosition(std::string_view text);

/// "H:MM:SS.mmm" of @p ts (not negative), a form parsePosition() takes back.
std::string formatPosition(base::Timestamp ts);
/// "H:MM:SS": formatPosition() to the whole second.
std::string formatSeconds(base::Timestamp ts);

} // namespace tlog::play
