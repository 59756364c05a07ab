// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/base/unique_fd.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Appends messages to a file, one per line. The file is opened with
/// O_APPEND (several recorders may share it: each line goes out in one
/// write(2)) and created with mode 0600, as recordings are private.
///
/// Root often records into directories others can write to (/tmp), where
/// a user may have planted the name first, so the file is never reached
/// through a symbolic link (O_NOFOLLOW), a new one is made with O_EXCL,
/// and an existing one is appended to only when the open file is a
/// regular file owned by the effective uid, writable by no one else (nor
/// by a group other than the effective gid) and with one hard link; or a
/// character device (/dev/null, /dev/full, a terminal), which only root
/// can make. Anything else is refused before anything is written.
class FileWriter final : public Writer {
public:
	/// The file writer's settings (the "file" keys).
	struct Options {
		std::string path; ///< required
	};

	/// Creates @p path, or opens it for appending when it exists and
	/// passes the checks above.
	/// Throws: std::system_error naming the path when it cannot be opened;
	/// std::runtime_error naming the path and the reason when it is
	/// refused ("it is a symbolic link", "it is owned by uid 1001, not by
	/// this user (uid 0)", "it is writable by others (mode 0666)", "it is
	/// not a regular file (a FIFO)", "it has 2 hard links").
	explicit FileWriter(std::string path);

	/// Writes one line. When the disk fills in the middle of it, the part
	/// that got written is cut off again (when nobody appended after it),
	/// so the file keeps whole lines only.
	/// Throws: std::system_error naming the path.
	void write(std::string_view message, const MessageFields &fields) override;
	/// Writes the lines of @p batch with one write(2) (lines stay whole
	/// when several recorders append to one file); a disk that fills in
	/// the middle keeps the whole lines before it, and the part of the
	/// next is cut off as above.
	/// Throws: std::system_error naming the path.
	void writeBatch(std::span<const Outgoing> batch, std::size_t &delivered) override;
	/// fsync(2)s the file; a file that cannot be synced (a pipe,
	/// /dev/stdout) is accepted as is.
	/// Throws: std::system_error naming the path.
	void flush() override;

	const std::string &path() const noexcept { return path_; }

private:
	/// Truncates the file by the @p written bytes of a line cut short.
	void dropPartialLine(std::size_t written) noexcept;

	std::string path_;
	base::UniqueFd fd_;
	std::string lines_;		// reused, so writing does not allocate per message
	std::vector<std::size_t> ends_; // where each line of lines_ ends
};

} // namespace tlog::sink
