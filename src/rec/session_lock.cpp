// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/session_lock.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::rec {

SessionLock::SessionLock(const std::string &dir, std::uint32_t session)
    : path_(dir + "/session." + std::to_string(session) + ".lock")
{
	// O_NOFOLLOW: a link planted in the directory must not redirect us
	// (the directory is the recorder's alone, but be strict anyway).
	fd_.reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
	if (!fd_)
		base::throwErrno("opening " + path_);
	int r;
	do
		r = ::flock(fd_.get(), LOCK_EX | LOCK_NB);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		state_ = State::Taken;
	else if (errno == EWOULDBLOCK)
		state_ = State::Busy;
	else
		base::throwErrno("locking " + path_);
}

void SessionLock::noteTerminal(dev_t device)
{
	std::string text = "terminal " + std::to_string(device) + "\n";
	if (::ftruncate(fd_.get(), 0) < 0 ||
	    ::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
		base::throwErrno("noting the terminal in " + path_);
}

bool SessionLock::nestedOn(std::initializer_list<int> fds) const
{
	char buf[64];
	ssize_t n = ::pread(fd_.get(), buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	unsigned long long noted = 0;
	char end = 0;
	if (std::sscanf(buf, "terminal %llu%c", &noted, &end) != 2 || end != '\n')
		return false;
	for (int fd : fds) {
		struct stat st {};
		if (::fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) ||
		    static_cast<unsigned long long>(st.st_rdev) != noted)
			return false;
	}
	return true;
}

} // namespace tlog::rec
