// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/source/fd_reader.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::source {

/// Encoded size (timing and texts) after which an imported message is
/// closed; tlog's default payload.
inline constexpr std::size_t kCastPayload = 2048;

/// Reads an asciicast file (asciinema's format, versions 1, 2 and 3; see
/// docs.asciinema.org/manual/asciicast/) and yields it as the tlog v2.3
/// messages of one recording, so that everything that plays, lists or
/// exports tlog recordings takes it unchanged.
///
/// The version is the first JSON object's "version":
/// - 2: a header line {"version": 2, "width", "height", ...}, then one
///   [time, code, data] array per line, times since the start;
/// - 3: a header line {"version": 3, "term": {"cols", "rows", "type"},
///   ...}, then [interval, code, data] lines, each interval since the
///   previous event; lines starting with '#' are comments. "x" (the exit
///   status) and codes of later versions are skipped, as the format asks;
/// - 1: one JSON object, possibly pretty-printed over many lines, with
///   "width", "height", "env" and "stdout": [[delay, data], ...], each
///   delay since the previous frame, all output. It is read whole (up to
///   @p maxLine bytes, the bound of one line) and its frames are parsed
///   one by one as messages are asked for, so memory stays near the
///   file's size.
///
/// The messages are what tlog-rec would have written: the first starts at
/// pos 0 with the header's size ("=80x24"); each one starts with the
/// current window record; "o" events become output records, "i" input
/// records, "r" window records, and "m" (markers) are dropped. Events are
/// gathered into messages of about kCastPayload bytes; times are rounded
/// to tlog's milliseconds (v1 and v3 intervals are added up in
/// microseconds first). The recording id is the file's name, "time" is
/// the header's timestamp plus pos (left out without a timestamp), "term"
/// is term.type (v3) or env.TERM, host and user are empty and session is
/// 4294967295. The header's idle_time_limit (v2, v3) is offered by
/// idleLimit(), not applied to the times.
///
/// Lines are read with FdReader ("-": standard input), located
/// "PATH:LINE"; blank lines are skipped.
class AsciicastReader final : public Reader {
public:
	/// Throws: std::system_error naming the path when it cannot be opened.
	explicit AsciicastReader(std::string path, std::size_t maxLine = kMaxLineSize);

	/// Throws: base::FormatError "PATH:LINE: ..." for a missing or bad
	/// header, an unsupported version, a v1 object that is cut short or
	/// longer than the bound, an event that is not [time, code, data] (v1:
	/// [delay, data]) with a known code (v2), data that is not valid UTF-8,
	/// a bad "r" size, a time that goes back (v2) or a negative interval
	/// (v1, v3), or times past about 31 years; std::system_error on a read
	/// error.
	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override { return lines_.waitFd(); }
	void onWaitFdReady() override { lines_.onWaitFdReady(); }
	bool finished() const noexcept override { return lines_.finished(); }
	std::string name() const override { return lines_.name(); }
	/// The header's idle_time_limit (v2, v3), nullopt without one (or 0)
	/// and for v1. Reads the header first when read() has not, waiting for
	/// it on a pipe. Throws: as read(); std::system_error when waiting fails.
	std::optional<std::chrono::microseconds> idleLimit() override;

	/// The file's asciicast version, 0 before its header was read.
	int version() const noexcept { return version_; }

private:
	/// Reads header lines until the first JSON object is complete; false
	/// when a pipe has no more yet.
	bool readHeader();
	void addHeaderLine(const RawMessage &line);
	/// Parses headerText_'s first @p end bytes, the whole first object.
	void parseHeader(std::size_t end);
	/// "PATH:LINE" of byte @p offset of headerText_.
	std::string headerLocation(std::size_t offset) const;
	/// Adds one event line (v2, v3) to the message being gathered.
	void parseEvent(const RawMessage &line);
	/// Adds the next frame of a v1 "stdout"; false at its end.
	bool parseFrame();
	void advanceFrames(std::size_t to) noexcept;
	/// Adds an "o", "i" or "r" event at @p ms.
	void addEvent(std::uint64_t ms, char kind, std::string_view text,
		      const std::string &location);
	/// Starts a message at @p ms with the current window record.
	void open(std::uint64_t ms, const std::string &location);
	/// Appends @p record to the message, after the delay from the last one.
	void addRecord(std::uint64_t ms, const std::string &record, const std::string &location);
	bool full() const noexcept;
	RawMessage close();

	FdReader lines_;
	std::size_t maxLine_;
	std::string rec_;
	std::string term_;
	std::optional<std::int64_t> startMs_; // the header's timestamp, in ms
	std::optional<std::chrono::microseconds> idleLimit_;
	int version_ = 0;
	std::uint32_t cols_ = 0, rows_ = 0;
	double lastTime_ = 0;	      // v2: of the previous event, in seconds
	std::uint64_t elapsedUs_ = 0; // v1, v3: the intervals added up

	// The first JSON object as it is read: the header line, or all of a
	// v1 file (blank lines kept as newlines, so offsets give lines).
	bool headerDone_ = false;
	std::string headerText_;
	std::string headerWhere_; // "PATH:LINE" of its first line
	std::uint64_t firstLine_ = 0, lastLine_ = 0;
	std::size_t scanPos_ = 0, scanDepth_ = 0; // where the object ends
	bool scanInString_ = false, scanEscape_ = false;

	// v1: the frames of "stdout" in headerText_, parsed as asked for.
	bool framesDone_ = true;
	std::size_t framePos_ = 0, framesEnd_ = 0; // framesEnd_: its ']'
	std::uint64_t frameLine_ = 0;		   // the line of framePos_
	bool afterFrame_ = false;		   // a ',' or ']' must come
	bool needFrame_ = false;		   // a frame must come (after ',')

	// The message being gathered.
	bool open_ = false;
	std::uint64_t id_ = 0;
	std::uint64_t pos_ = 0;
	std::uint64_t lastMs_ = 0;
	std::string location_;
	std::string timing_, inTxt_, outTxt_; // texts JSON-escaped
};

/// The factory's entry (reader type "asciicast", file.path names the
/// file; no index: the player reads it through).
/// Throws: base::ConfigError without a path or when asked to follow,
/// std::system_error when the file cannot be opened.
std::unique_ptr<Reader> makeAsciicastReader(const ReaderSpec &spec);

} // namespace tlog::source
