// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>

#include "tlog/base/unique_fd.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Appends messages to a file, one per line. The file is opened with
/// O_APPEND (several recorders may share it: each line goes out in one
/// write(2)) and created with mode 0600, as recordings are private.
class FileWriter final : public Writer {
public:
	/// Opens (or creates) @p path for appending.
	/// Throws: std::system_error naming the path.
	explicit FileWriter(std::string path);

	/// Writes one line. When the disk fills in the middle of it, the part
	/// that got written is cut off again (when nobody appended after it),
	/// so the file keeps whole lines only.
	/// Throws: std::system_error naming the path.
	void write(std::string_view message, const MessageFields &fields) override;
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
	std::string line_; // reused, so writing does not allocate per message
};

} // namespace tlog::sink
