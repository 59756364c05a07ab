// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/unique_fd.hpp"

#include <cerrno>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
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

void requireSpareFds(int count, std::string_view forWhat)
{
	std::vector<UniqueFd> probes;
	probes.reserve(static_cast<std::size_t>(count));
	for (int i = 0; i < count; i++) {
		probes.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY));
		if (probes.back())
			continue;
		int err = errno;
		if (err != EMFILE && err != ENFILE)
			throwSystem(err, "opening /dev/null");
		rlimit limit{};
		::getrlimit(RLIMIT_NOFILE, &limit);
		std::string text = "only " + std::to_string(i) + " more files can be opened";
		if (err == EMFILE)
			text += " (the open-file limit, ulimit -n, is " +
				std::to_string(static_cast<unsigned long long>(limit.rlim_cur)) +
				")";
		throwSystem(err, text + ", and " + std::string(forWhat) + " needs " +
				     std::to_string(count));
	}
}

} // namespace tlog::base
