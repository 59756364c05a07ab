// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tlog::codec {

/// The fields that are the same in every message of one recording.
struct Envelope {
	std::string host;
	std::string rec;
	std::string user;
	std::string term;
	std::uint32_t session = 0;

	bool operator==(const Envelope &) const = default;
};

/// The kernel's audit session id meaning "no session".
inline constexpr std::uint32_t kNoSession = 4294967295u;

/// One message as read from a recording, validated but not yet decoded
/// into packets (see ChunkDecoder). Every format the reference plays
/// reads into it: format 1 (tlog 2015-2017, "ver":1) and 2.0-2.2 lack
/// "rec" (then empty) and "time" (then unset).
struct Message {
	unsigned verMajor = 2; ///< 0 to 2 (0 never existed; the reference takes it)
	unsigned verMinor = 3;
	Envelope envelope;
	std::uint64_t id = 0;
	std::uint64_t pos = 0;	    ///< ms since the start of the recording
	std::optional<double> time; ///< wall-clock seconds of pos (v2.3)
	std::string timing;
	std::string inTxt, outTxt; ///< UTF-8 text (empty when left out)
	std::string inBin, outBin; ///< raw bytes of the invalid sequences
	/// Marks a writer adds beside the v2.3 fields (see withMarks()):
	/// the message's signature (base64; empty: none) and whether the
	/// recorder ended the recording with it.
	std::string signature;
	bool end = false;

	bool operator==(const Message &) const = default;
};

/// The members withMarks() adds; readers of v2.3 (the reference's
/// tlog-play, Cockpit) pass them by.
inline constexpr std::string_view kSignatureMember = "tlog_sig";
inline constexpr std::string_view kEndMember = "tlog_end";

/// @p text (a JSON object) with "tlog_sig" (when @p signature is not
/// empty) and "tlog_end":true (when @p end) added at its end: how the file
/// and syslog writers carry what the journal writer puts in fields.
std::string withMarks(std::string_view text, std::string_view signature, bool end);

/// @p m as the encoder writes it: the canonical form a signature covers,
/// the same bytes as the encoder's text for any message it made, however
/// a store re-encoded the JSON. Marks are left out.
/// Throws: std::bad_alloc.
std::string formatMessage(const Message &m);

/// Parses and validates one JSON message (one line of a file, one
/// journal MESSAGE). @p location names it in errors ("rec.log:12",
/// a journal cursor, an ES document id). "ver" is "MAJOR[.MINOR]" or an
/// integer, major 2 at most; "rec", "time", "in_txt" and "out_txt" may be
/// left out.
/// Throws: base::FormatError "LOCATION: field 'F': what is wrong".
Message parseMessage(std::string_view text, std::string_view location);

/// The two halves of parseMessage(). The fast one (simdjson, where built
/// with it) takes a well-formed message that both parsers read alike and
/// gives nullopt for anything else: an error, a repeated member, a value
/// out of range, an escaped surrogate. The full one reads every message
/// with json-c, as the reference does, and names what is wrong. Where the
/// fast one gives a message, the full one gives the same (the decoder
/// fuzz target checks it).
std::optional<Message> parseMessageFast(std::string_view text);
/// Whether parseMessageFast() was built (with simdjson); without it, it
/// always gives nullopt.
bool hasFastParser() noexcept;
/// Throws: as parseMessage().
Message parseMessageFull(std::string_view text, std::string_view location);

} // namespace tlog::codec
