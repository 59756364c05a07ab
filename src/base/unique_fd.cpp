// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/unique_fd.hpp"

#include <cerrno>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::base {

void UniqueFd::reset(int fd) noexcept
{
	if (fd_ >= 0)
		::close(fd_); // Linux releases the fd even when close() fails.
	fd_ = fd;
}

std::ptrdiff_t readSome(int fd, void *buf, std::size_t size, Eio eio)
{
	for (;;) {
		ssize_t n = ::read(fd, buf, size);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return -1;
		// A pty master reads EIO once the slave is closed: that is EOF.
		if (errno == EIO && eio == Eio::IsEof)
			return 0;
		throwErrno("read");
	}
}

void writeAll(int fd, std::string_view data)
{
	while (!data.empty()) {
		ssize_t n = ::write(fd, data.data(), data.size());
		if (n >= 0) {
			data.remove_prefix(static_cast<std::size_t>(n));
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			pollfd p{fd, POLLOUT, 0};
			if (::poll(&p, 1, -1) < 0 && errno != EINTR)
				throwErrno("poll");
			continue;
		}
		throwErrno("write");
	}
}

void setNonBlocking(int fd, bool on)
{
	int flags = ::fcntl(fd, F_GETFL);
	if (flags < 0)
		throwErrno("fcntl(F_GETFL)");
	int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0)
		throwErrno("fcntl(F_SETFL)");
}

} // namespace tlog::base
