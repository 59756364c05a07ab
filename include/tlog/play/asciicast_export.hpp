// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tlog/base/clock.hpp"
#include "tlog/codec/packet.hpp"
#include "tlog/play/idle_limit.hpp"
#include "tlog/play/recording_list.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

/// What an asciicast v2 header says besides the size, which comes from
/// the recording's first window record.
struct AsciicastHeader {
	/// Unix seconds of the recording's start; omitted when unknown.
	std::optional<std::int64_t> timestamp;
	/// idle_time_limit: the longest pause a player is to keep (asciinema's
	/// player shortens longer ones to it); omitted when none.
	std::optional<base::Timestamp> idleTimeLimit;
	std::string term; ///< env.TERM; env is omitted when empty
};

/// Size written in the header of a recording without window records
/// (recorded without a terminal).
inline constexpr std::uint16_t kDefaultCastWidth = 80;
inline constexpr std::uint16_t kDefaultCastHeight = 24;

/// Turns the decoded packets of one recording into asciicast v2 lines
/// (https://docs.asciinema.org/manual/asciicast/v2/): a header object,
/// then one [time, code, data] array per event, each line ending in
/// "\n". Output packets become "o", input "i", window changes "r"
/// ("COLSxROWS"; a window record repeating the current size is dropped,
/// and so is a size of 0, which means unknown). A window record before the
/// first I/O sets the header's size.
///
/// Asciicast is text: every invalid UTF-8 sequence in the data (tlog's
/// binary records) becomes one U+FFFD. Times are seconds since the start
/// of the recording with six decimals, after @p idleLimit shortened the
/// pauses (zero: none); the header then says idle_time_limit: @p
/// idleLimit, else header.idleTimeLimit when given. Pure: no I/O.
class AsciicastWriter {
public:
	explicit AsciicastWriter(AsciicastHeader header, base::Timestamp idleLimit = {});

	/// Appends the lines @p packet makes to @p out (the header first,
	/// once). Packets come in time order, times since the recording's
	/// start.
	void add(const codec::Packet &packet, std::string &out);

	/// Appends the header if no packet wrote it (an empty recording).
	void finish(std::string &out);

	/// Events written so far (the header not counted).
	std::uint64_t events() const noexcept { return events_; }

private:
	void writeHeader(std::uint16_t width, std::uint16_t height, std::string &out);
	void writeEvent(base::Timestamp ts, char code, std::string_view data, std::string &out);

	AsciicastHeader header_;
	IdleLimit idle_;
	bool headerDone_ = false;
	std::uint16_t cols_ = 0, rows_ = 0; // the current window
	std::uint64_t events_ = 0;
};

/// Formats @p ts as seconds with six decimals ("12.345000").
std::string formatCastTime(base::Timestamp ts);

/// Appends @p data to @p out as the body of a JSON string: each invalid
/// UTF-8 sequence becomes U+FFFD (a byte that cannot start a character,
/// or a valid prefix cut short, as tlog counts them), the rest is escaped
/// as json::appendEscaped() does.
void appendCastText(std::string &out, std::string_view data);

/// How to export (filled from PlayConfig by runPlayback()).
struct ExportOptions {
	std::string match;	     ///< recording id to export; empty: the first seen
	Selection select;	     ///< only messages it matches
	bool lax = false;	     ///< an id gap is one stderr line, not an error
	bool fromMiddle = false;     ///< the first message may have any id (a cursor)
	base::Timestamp idleLimit{}; ///< longest pause; zero keeps them all
	/// Output events as recorded; without it, what acts outside the
	/// screen is left out (see OutputFilter).
	bool rawOutput = false;
};

/// Reads one recording from @p reader (the first seen or options.match;
/// others are named on stderr, never mixed in) to its end and writes it
/// to @p outFd as asciicast v2. The header's timestamp comes from the
/// messages' "time", TERM from "term", idle_time_limit from
/// options.idleLimit (which shortened the times) or else the reader's
/// idleLimit() (times as recorded); the command is not recorded by
/// tlog and is left out. Output goes through an OutputFilter (one for
/// the whole recording: a sequence may span events) unless rawOutput.
/// Throws: base::FormatError for a message that does not decode (or,
/// without lax, a missing one), std::runtime_error when options.match is
/// not there, std::system_error on I/O failures.
void exportAsciicast(source::Reader &reader, const ExportOptions &options, int outFd);

} // namespace tlog::play
