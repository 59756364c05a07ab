// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlog/source/fd_reader.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::source {

/// Encoded size (timing and texts) after which an imported message is
/// closed; tlog's default payload.
inline constexpr std::size_t kCastPayload = 2048;

/// Reads an asciicast v2 file (asciinema's format: a header object, then
/// one [time, code, data] array per line) and yields it as the tlog v2.3
/// messages of one recording, so that everything that plays, lists or
/// exports tlog recordings takes it unchanged.
///
/// The messages are what tlog-rec would have written: the first starts at
/// pos 0 with the header's size ("=80x24"); each one starts with the
/// current window record; "o" events become output records, "i" input
/// records, "r" window records, and "m" (markers) are dropped. Events are
/// gathered into messages of about kCastPayload bytes; times are rounded
/// to tlog's milliseconds. The recording id is the file's name, "time" is
/// the header's timestamp plus pos (left out without a timestamp), "term"
/// is env.TERM, host and user are empty and session is 4294967295.
///
/// Lines are read with FdReader ("-": standard input), located
/// "PATH:LINE"; blank lines are skipped.
class AsciicastReader final : public Reader {
public:
	/// Throws: std::system_error naming the path when it cannot be opened.
	explicit AsciicastReader(std::string path, std::size_t maxLine = kMaxLineSize);

	/// Throws: base::FormatError "PATH:LINE: ..." for a missing or bad
	/// header, an unsupported version, an event line that is not
	/// [time, code, data] with a known code, data that is not valid UTF-8,
	/// a bad "r" size or a time that goes back; std::system_error on a
	/// read error.
	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override { return lines_.waitFd(); }
	void onWaitFdReady() override { lines_.onWaitFdReady(); }
	bool finished() const noexcept override { return lines_.finished(); }
	std::string name() const override { return lines_.name(); }

private:
	void parseHeader(const RawMessage &line);
	/// Adds one event line to the message being gathered.
	void parseEvent(const RawMessage &line);
	/// Starts a message at @p ms with the current window record.
	void open(std::uint64_t ms, const std::string &location);
	/// Appends @p record to the message, after the delay from the last one.
	void addRecord(std::uint64_t ms, const std::string &record, const std::string &location);
	bool full() const noexcept;
	RawMessage close();

	FdReader lines_;
	std::string rec_;
	std::string term_;
	std::optional<std::int64_t> startMs_; // the header's timestamp, in ms
	bool headerSeen_ = false;
	std::uint32_t cols_ = 0, rows_ = 0;
	double lastTime_ = 0; // of the previous event, in seconds

	// The message being gathered.
	bool open_ = false;
	std::uint64_t id_ = 0;
	std::uint64_t pos_ = 0;
	std::uint64_t lastMs_ = 0;
	std::string location_;
	std::string timing_, inTxt_, outTxt_; // texts JSON-escaped
};

/// The factory's entries (reader type "asciicast", file.path names the file).
/// Throws: base::UsageError without a path or when asked to follow,
/// std::system_error when the file cannot be opened.
std::unique_ptr<Reader> makeAsciicastReader(const ReaderSpec &spec);

/// The one recording an asciicast file holds. Throws: as makeAsciicastReader(),
/// base::FormatError.
std::vector<RecordingEdges> listAsciicastRecordings(const ReaderSpec &spec);

} // namespace tlog::source
