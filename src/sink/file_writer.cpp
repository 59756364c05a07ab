// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/file_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/codec/message.hpp"

namespace tlog::sink {

namespace {

constexpr int kAppendFlags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;

std::string_view kindOf(mode_t mode) noexcept
{
	switch (mode & S_IFMT) {
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "not a regular file (a FIFO)";
	case S_IFSOCK:
		return "not a regular file (a socket)";
	case S_IFDIR:
		return "not a regular file (a directory)";
	case S_IFBLK:
		return "not a regular file (a block device)";
	default:
		return "not a regular file";
	}
}

std::string octal(mode_t mode)
{
	char text[8];
	std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
	return text;
}

// Why an existing file is not ours to append to; empty when it is. The
// checks are on the open file, so nothing can be swapped in after them.
std::string refusalOf(const struct stat &st)
{
	// /dev/null, /dev/full, a terminal: only root makes device nodes, so
	// none is a trap planted by a user, and none keeps a recording.
	if (S_ISCHR(st.st_mode))
		return {};
	if (!S_ISREG(st.st_mode))
		return "it is " + std::string(kindOf(st.st_mode));
	uid_t uid = ::geteuid();
	if (st.st_uid != uid)
		return "it is owned by uid " + std::to_string(st.st_uid) +
		       ", not by this user (uid " + std::to_string(uid) + ")";
	if ((st.st_mode & S_IWOTH) != 0)
		return "it is writable by others (mode " + octal(st.st_mode) + ")";
	// Our own group (tlog's, for tlog-rec-session) may share the file.
	if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != ::getegid())
		return "it is writable by group " + std::to_string(st.st_gid) + " (mode " +
		       octal(st.st_mode) + ")";
	// A second name may be a hard link a user made to another file of
	// ours (/root/.bashrc, where fs.protected_hardlinks is off): it
	// passes every check above.
	if (st.st_nlink != 1)
		return "it has " + std::to_string(st.st_nlink) + " hard links";
	return {};
}

[[noreturn]] void refuse(const std::string &path, std::string_view reason)
{
	throw std::runtime_error("refusing to append to " + path + ": " + std::string(reason));
}

} // namespace

FileWriter::FileWriter(std::string path) : path_(std::move(path))
{
	// Created new, it is ours. Existing, it must be ours and private; a
	// file removed between the two opens is created again.
	for (int attempt = 0; !fd_; attempt++) {
		fd_.reset(::open(path_.c_str(), kAppendFlags | O_CREAT | O_EXCL, 0600));
		if (fd_)
			return;
		if (errno != EEXIST)
			base::throwErrno("opening " + path_);
		// O_NONBLOCK: a FIFO must not hang us before it can be refused.
		fd_.reset(::open(path_.c_str(), kAppendFlags | O_NONBLOCK));
		if (fd_ || (errno == ENOENT && attempt < 3))
			continue;
		int err = errno;
		// ELOOP: a symbolic link (O_NOFOLLOW); ENXIO: a FIFO nobody
		// reads, or a socket; EISDIR: a directory.
		struct stat st {};
		if ((err == ELOOP || err == ENXIO || err == EISDIR) &&
		    ::lstat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISCHR(st.st_mode))
			refuse(path_, "it is " + std::string(kindOf(st.st_mode)));
		base::throwSystem(err, "opening " + path_);
	}
	struct stat st {};
	if (::fstat(fd_.get(), &st) < 0)
		base::throwErrno("opening " + path_);
	if (std::string reason = refusalOf(st); !reason.empty())
		refuse(path_, reason);
	int flags = ::fcntl(fd_.get(), F_GETFL);
	if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags & ~O_NONBLOCK) < 0)
		base::throwErrno("opening " + path_);
}

void FileWriter::write(std::string_view message, const MessageFields &fields)
{
	const Outgoing one{message, fields};
	std::size_t delivered = 0;
	writeBatch(std::span<const Outgoing>(&one, 1), delivered);
}

void FileWriter::writeBatch(std::span<const Outgoing> batch, std::size_t &delivered)
{
	lines_.clear();
	ends_.clear();
	for (const auto &out : batch) {
		if (out.fields.signature.empty() && !out.fields.end)
			lines_.append(out.message);
		else
			lines_ +=
			    codec::withMarks(out.message, out.fields.signature, out.fields.end);
		lines_.push_back('\n');
		ends_.push_back(lines_.size());
	}
	// One write(2) for whole lines keeps them whole when several recorders
	// append to one file; a short write (a full disk) is finished off
	// here, or fails with the reason.
	std::size_t written = 0;
	while (written < lines_.size()) {
		ssize_t n = ::write(fd_.get(), lines_.data() + written, lines_.size() - written);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			// The lines written whole are delivered; the start of the
			// next one goes again.
			auto whole = static_cast<std::size_t>(
			    std::upper_bound(ends_.begin(), ends_.end(), written) - ends_.begin());
			delivered += whole;
			dropPartialLine(written - (whole == 0 ? 0 : ends_[whole - 1]));
			base::throwSystem(err, "writing " + path_);
		}
		written += static_cast<std::size_t>(n);
	}
	delivered += batch.size();
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
