// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tlog/base/unique_fd.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::source {

struct ReaderSpec;

/// Longest line FdReader accepts; a longer one is an error, not an
/// unbounded allocation. The reference writes messages of a few KiB.
inline constexpr std::size_t kMaxLineSize = 16 * 1024 * 1024;

/// Reads a recording written one message per line: a file, or standard
/// input for the path "-". Each non-blank line is one message, located as
/// "PATH:LINE" (1-based; blank lines are skipped but counted).
///
/// Without following, a regular file is read to its end; a last line
/// without newline is still offered (the decoder rejects it when it is
/// truncated JSON). With following, a regular file is watched with inotify
/// (waitFd() wakes the caller when it grows), a last line without newline
/// is held until its newline arrives, and a file that shrinks is an error.
/// A pipe or terminal ("-") is read without blocking: waitFd() is the fd
/// itself and the reader is finished() at its end of file.
class FdReader final : public Reader {
public:
	/// Opens @p path ("-": standard input, borrowed, not closed).
	/// @p maxLine bounds a line (tests use small bounds).
	/// Throws: std::system_error naming the path when it cannot be
	/// opened or watched.
	FdReader(std::string path, bool follow, std::size_t maxLine = kMaxLineSize);
	~FdReader() override;
	FdReader(const FdReader &) = delete;
	FdReader &operator=(const FdReader &) = delete;

	/// Throws: std::system_error on a read error; base::FormatError
	/// "PATH:LINE: ..." for a line longer than the bound; std::runtime_error
	/// when a followed file was truncated.
	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override;
	/// Drains the inotify events. Throws: std::system_error.
	void onWaitFdReady() override;
	bool finished() const noexcept override { return eof_; }
	std::string name() const override { return displayName_; }
	/// "OFFSET:LINE" for a regular file; nullopt for a pipe or terminal.
	std::optional<std::string> mark() const override;
	/// Throws: std::system_error when the file cannot be repositioned.
	void rewind(const std::string &mark) override;

private:
	/// Reads more bytes into buffer_; false when none came (EOF or EAGAIN).
	bool fill();
	std::optional<RawMessage> takeLine(std::size_t end, std::size_t next);

	std::string path_;
	std::string displayName_;
	bool follow_;
	std::size_t maxLine_;
	base::UniqueFd fd_;    // owned unless reading stdin
	int readFd_ = -1;      // fd_ or STDIN_FILENO
	bool regular_ = false; // a regular file (else a pipe or terminal)
	bool restoreBlocking_ = false;
	base::UniqueFd inotify_;
	std::string buffer_;
	std::size_t start_ = 0;	   // first unconsumed byte of buffer_
	std::size_t scan_ = 0;	   // bytes of the current line known to hold no newline
	std::uint64_t offset_ = 0; // bytes read from the file so far
	std::uint64_t line_ = 0;   // number of the last line taken
	bool eof_ = false;
};

/// The factory's entry (reader type "file", file.path names the file;
/// no index: the player reads it through).
/// Throws: base::ConfigError without a path, as FdReader's constructor.
std::unique_ptr<Reader> makeFdReader(const ReaderSpec &spec);

} // namespace tlog::source
