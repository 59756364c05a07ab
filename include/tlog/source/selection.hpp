// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tlog::source {

/// Which recordings to read, in terms of the recordings themselves: every
/// reader translates it into its own query (the journal into TLOG_*
/// matches and time bounds, Elasticsearch into query-string terms). A
/// reader without an index (a file) leaves it to the player, which checks
/// each message.
struct Selection {
	std::string rec;		      ///< one recording's id; empty: any
	std::string user;		      ///< empty: any
	std::string host;		      ///< empty: any
	std::optional<std::uint32_t> session; ///< audit session; none: any
	/// Realtime bounds in microseconds since the epoch (the journal's).
	std::optional<std::uint64_t> sinceUsec;
	std::optional<std::uint64_t> untilUsec;
};

} // namespace tlog::source
