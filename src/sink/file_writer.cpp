// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/file_writer.hpp"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::sink {

FileWriter::FileWriter(std::string path) : path_(std::move(path))
{
	fd_.reset(
	    ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600));
	if (!fd_)
		base::throwErrno("opening " + path_);
}

void FileWriter::write(std::string_view message, const MessageFields &)
{
	line_.assign(message);
	line_.push_back('\n');
	std::string_view rest = line_;
	// One write(2) per line keeps lines whole when several recorders
	// append to one file; a short write (a full disk) is finished off
	// here, or fails with the reason.
	while (!rest.empty()) {
		ssize_t n = ::write(fd_.get(), rest.data(), rest.size());
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			dropPartialLine(line_.size() - rest.size());
			base::throwSystem(err, "writing " + path_);
		}
		rest.remove_prefix(static_cast<std::size_t>(n));
	}
}

void FileWriter::dropPartialLine(std::size_t written) noexcept
{
	// A full disk takes part of a line and refuses the rest. Left there,
	// the fragment would glue onto the next line anyone appends and spoil
	// that message too; cut it off while it is still the file's end.
	if (written == 0)
		return;
	struct stat st {};
	off_t end = ::lseek(fd_.get(), 0, SEEK_CUR);
	if (end < static_cast<off_t>(written) || ::fstat(fd_.get(), &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size != end)
		return;
	// Failing here leaves the fragment, as before; the write error that
	// brought us here is what gets reported.
	(void)::ftruncate(fd_.get(), end - static_cast<off_t>(written));
}

void FileWriter::flush()
{
	if (::fsync(fd_.get()) < 0 && errno != EINVAL && errno != EROFS)
		base::throwErrno("syncing " + path_);
}

} // namespace tlog::sink
