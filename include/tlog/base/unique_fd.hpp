// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <string_view>

namespace tlog::base {

/// Move-only owner of a file descriptor; closes it on destruction.
class UniqueFd {
public:
	UniqueFd() noexcept = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		reset(other.release());
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const noexcept { return fd_; }
	bool valid() const noexcept { return fd_ >= 0; }
	explicit operator bool() const noexcept { return valid(); }
	int release() noexcept
	{
		int fd = fd_;
		fd_ = -1;
		return fd;
	}
	/// Closes the current descriptor (if any) and takes @p fd.
	void reset(int fd = -1) noexcept;

private:
	int fd_ = -1;
};

/// What EIO from read(2) means: on a pty master, that the slave side is
/// gone (EOF); on a file, a failing disk.
enum class Eio { IsEof, IsError };

/// Reads at most @p size bytes, retrying EINTR. Returns the count, 0 at
/// EOF, or -1 with errno EAGAIN when nothing is ready (non-blocking fd).
/// Throws: std::system_error on any other failure ("read"; callers that
/// know the fd's name say it).
std::ptrdiff_t readSome(int fd, void *buf, std::size_t size, Eio eio = Eio::IsEof);

/// Writes all of @p data, retrying EINTR and short writes, waiting with
/// poll() when the fd is non-blocking and full.
/// Throws: std::system_error.
void writeAll(int fd, std::string_view data);

/// Sets or clears O_NONBLOCK. Throws: std::system_error.
void setNonBlocking(int fd, bool on);
/// Checks that @p count more files can be opened now (the open-file limit
/// and the system's), so that work that must not fail half-way (a
/// recording) finds out before it starts.
/// Throws: std::system_error (EMFILE, ENFILE) saying how many can be
/// opened and that @p forWhat needs @p count.
void requireSpareFds(int count, std::string_view forWhat);

} // namespace tlog::base
