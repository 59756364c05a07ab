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

	/// Throws: std::system_error naming the path.
	void write(std::string_view message, const MessageFields &fields) override;
	/// fsync(2)s the file; a file that cannot be synced (a pipe,
	/// /dev/stdout) is accepted as is.
	/// Throws: std::system_error naming the path.
	void flush() override;

	const std::string &path() const noexcept { return path_; }

private:
	std::string path_;
	base::UniqueFd fd_;
	std::string line_; // reused, so writing does not allocate per message
};

} // namespace tlog::sink
