// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/session_lock.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/file.h>

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

} // namespace tlog::rec
