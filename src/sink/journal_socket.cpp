// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tlog/base/clock.hpp"

namespace tlog::sink {

namespace {

// How long one send may wait for journald to make room in its queue. The
// kernel queues only a few datagrams per socket (net.unix.max_dgram_qlen),
// so a burst meets a full queue long before journald is slow.
constexpr std::chrono::milliseconds kBackpressureWait{2000};
// Once a wait ran out (journald stopped or hung), later sends wait only
// this long until one gets through: the writer holds what does not, and
// the session is not frozen for kBackpressureWait at every retry.
constexpr std::chrono::milliseconds kStalledWait{20};

} // namespace

JournalSocket::JournalSocket(std::string path) : path_(std::move(path)) {}

int JournalSocket::connect() noexcept
{
	fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!fd_)
		return -errno;
	// As sd-journal: a large send buffer, so entries up to a few MiB fit
	// a datagram.
	int size = 8 << 20;
	::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	// Connected, so that poll(POLLOUT) waits for room in journald's queue.
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
	if (::connect(fd_.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0) {
		int err = errno;
		fd_.reset();
		return -err;
	}
	return 0;
}

int JournalSocket::send(const iovec *fields, int n) noexcept
{
	try {
		// The protocol: "NAME=value\n", or for a value holding a newline
		// "NAME\n", its length as 64-bit little endian, the value, "\n".
		std::string entry;
		for (int i = 0; i < n; i++) {
			std::string_view field(static_cast<const char *>(fields[i].iov_base),
					       fields[i].iov_len);
			auto eq = field.find('=');
			auto value = field.substr(eq + 1);
			if (value.find('\n') == std::string_view::npos) {
				entry.append(field);
			} else {
				entry.append(field.substr(0, eq));
				entry += '\n';
				std::uint64_t length = value.size();
				for (int b = 0; b < 8; b++)
					entry += static_cast<char>((length >> (8 * b)) & 0xff);
				entry.append(value);
			}
			entry += '\n';
		}
		if (!fd_)
			if (int r = connect(); r < 0)
				return r;
		int r = sendWaiting(entry, -1);
		if (r == -EMSGSIZE || r == -ENOBUFS)
			r = sendMemfd(entry);
		// A journald that restarted has a new socket: connect afresh next time.
		if (r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET || r == -EPIPE ||
		    r == -ENOENT)
			fd_.reset();
		return r;
	} catch (...) {
		return -ENOMEM;
	}
}

int JournalSocket::probe(std::chrono::milliseconds wait) noexcept
{
	auto giveUp = base::monotonicNow() + wait;
	auto left = [&giveUp] {
		return std::chrono::duration_cast<std::chrono::milliseconds>(giveUp -
									     base::monotonicNow());
	};
	int r;
	while ((r = fd_ ? 0 : connect()) < 0) {
		// Not there (yet): journald restarting takes a moment. Any other
		// error (EMFILE, EACCES) will not go away by waiting.
		if ((r != -ENOENT && r != -ECONNREFUSED) || left().count() <= 0)
			return r;
		::poll(nullptr, 0, static_cast<int>(std::min<std::int64_t>(left().count(), 50)));
	}
	for (;;) {
		pollfd p{fd_.get(), POLLOUT, 0};
		int n = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left().count(), 0)));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EAGAIN;
		if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
			fd_.reset();
			return -ECONNREFUSED;
		}
		return 0;
	}
}

int JournalSocket::sendWaiting(const std::string &entry, int passFd) noexcept
{
	iovec iov{const_cast<char *>(entry.data()), entry.size()};
	msghdr msg{};
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
	if (passFd >= 0) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		std::memcpy(CMSG_DATA(cmsg), &passFd, sizeof(int));
	} else {
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
	}
	auto giveUp = base::monotonicNow() + (stalled_ ? kStalledWait : kBackpressureWait);
	for (;;) {
		if (::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL) >= 0) {
			stalled_ = false;
			return 0;
		}
		int err = errno;
		if (err == EINTR)
			continue;
		if (err != EAGAIN)
			return -err;
		// journald's queue is full: wait for room, a bounded while.
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
		    giveUp - base::monotonicNow());
		if (left.count() <= 0) {
			stalled_ = true;
			return -EAGAIN;
		}
		pollfd p{fd_.get(), POLLOUT, 0};
		if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
			return -errno;
	}
}

int JournalSocket::sendMemfd(const std::string &entry) noexcept
{
	base::UniqueFd memfd(::memfd_create("tlog-journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!memfd)
		return -errno;
	try {
		base::writeAll(memfd.get(), entry);
	} catch (const std::system_error &e) {
		return -e.code().value();
	}
	// journald accepts only sealed memfds: the sender cannot change them.
	if (::fcntl(memfd.get(), F_ADD_SEALS,
		    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return sendWaiting({}, memfd.get());
}

} // namespace tlog::sink
