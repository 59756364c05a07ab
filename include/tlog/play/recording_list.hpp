// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/codec/message.hpp"
#include "tlog/json/json_ref.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/selection.hpp"

namespace tlog::play {

/// What `tlog-play --list` shows of one recording.
struct RecordingInfo {
	std::string rec;
	std::string user;
	std::string host;
	std::uint32_t session = 0;
	double start = 0;	      ///< wall-clock seconds of its first message
	std::uint64_t durationMs = 0; ///< end of its last record
	std::uint64_t messages = 0;   ///< id of its last message
	bool live = false;	      ///< its recorder is still running here
	std::string lastCursor;	      ///< where --follow would resume
	/// Who wrote it, as the source vouches (the journal's trusted fields);
	/// "" when the source cannot say.
	std::string writer;
	/// Entries another process logged with its fields, passed over.
	std::uint64_t foreignEntries = 0;
};

/// The short selections (--user, --host, --session) as the player checks
/// them. Indexed stores (journal, Elasticsearch) are asked for them (a
/// source::Selection); a file has no index, so its messages are checked
/// one by one.
struct Selection {
	std::string user;		      ///< empty: any
	std::string host;		      ///< empty: any
	std::optional<std::uint32_t> session; ///< none: any

	bool any() const noexcept { return user.empty() && host.empty() && !session; }
	bool matches(std::string_view u, std::string_view h, std::uint32_t s) const noexcept
	{
		return (user.empty() || u == user) && (host.empty() || h == host) &&
		       (!session || s == *session);
	}
	bool matches(const codec::Envelope &e) const noexcept
	{
		return matches(e.user, e.host, e.session);
	}
	bool matches(const RecordingInfo &r) const noexcept
	{
		return matches(r.user, r.host, r.session);
	}
	/// "--user=alice --session=7", for errors.
	std::string describe() const;

	/// The short selections of @p select.
	static Selection of(const source::Selection &select);
};

/// Builds the summary from a recording's first and last messages, as the
/// journal's index hands them over (no scan of the ones between).
/// @p firstUsec is the realtime of the first entry, used when the
/// message has no "time" field. Throws: base::FormatError.
RecordingInfo summarize(const std::string &rec, const std::string &firstMessage,
			const std::string &lastMessage, std::uint64_t firstUsec,
			const std::string &location);

/// The same from messages the codec already read.
RecordingInfo summarize(const std::string &rec, const codec::Message &first,
			const codec::Message &last, std::uint64_t firstUsec);

/// One recording as reading a source through shows it.
struct RecordingMessages {
	std::string rec;
	codec::Message first;
	codec::Message last;
};

/// The recordings @p reader holds, read through to its end (a source
/// without an index: a file), in the order they first appear, each with
/// its first and last message as the codec reads them. A progress line
/// shows how far it got when that takes long.
/// Throws: base::FormatError naming a message the codec rejects, what
/// reader.read() throws.
std::vector<RecordingMessages> readRecordings(source::Reader &reader);

/// True when the recorder that made @p rec (boot id, pid, start time in
/// jiffies, as the recording id spells them) runs on this machine now.
bool isLive(const std::string &rec) noexcept;

/// One aligned line per recording, with a header line.
std::string formatTable(const std::vector<RecordingInfo> &list);

/// A JSON array of objects, for scripts.
json::JsonRef toJson(const std::vector<RecordingInfo> &list);

/// "1:02:03.456" (hours only when needed).
std::string formatDuration(std::uint64_t ms);

} // namespace tlog::play
