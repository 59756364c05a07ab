// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace tlog::screen {

/// Turns terminal output, in pieces of any size, into whole and valid
/// UTF-8 characters, as VirtualScreen gives libvterm: libvterm's own
/// decoder keeps state across writes when a character is cut or invalid,
/// which no paint can carry. A character cut at the end of a piece waits
/// for the rest; invalid bytes, and C1 controls encoded in UTF-8, become
/// U+FFFD, as terminals show them.
///
/// Pure: no I/O.
class Utf8Sanitizer {
public:
	/// The sanitised text of @p input: @p input itself when it is ASCII
	/// and nothing waits, otherwise built in @p buffer.
	/// Throws: std::bad_alloc.
	std::string_view take(std::string_view input, std::string &buffer);

	/// True while the start of a character waits for the rest.
	bool pending() const noexcept { return !pending_.empty(); }
	/// Forgets a waiting character.
	void reset() noexcept { pending_.clear(); }

private:
	std::string pending_; // a character cut at the end of the last piece
};

} // namespace tlog::screen
