// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/termios_guard.hpp"

#include <cerrno>
#include <utility>

#include "tlog/base/error.hpp"

namespace tlog::term {

TermiosGuard::TermiosGuard(int fd, bool raw) : fd_(fd)
{
	if (::tcgetattr(fd, &saved_) < 0)
		base::throwErrno("reading terminal attributes");
	if (!raw)
		return;
	termios attrs = saved_;
	::cfmakeraw(&attrs);
	attrs.c_cc[VMIN] = 1;
	attrs.c_cc[VTIME] = 0;
	int r;
	do
		r = ::tcsetattr(fd, TCSAFLUSH, &attrs);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		base::throwErrno("switching the terminal to raw mode");
}

TermiosGuard::TermiosGuard(TermiosGuard &&other) noexcept
    : fd_(std::exchange(other.fd_, -1)), saved_(other.saved_)
{
}

void TermiosGuard::restore() noexcept
{
	if (fd_ < 0)
		return;
	int r;
	do
		r = ::tcsetattr(fd_, TCSADRAIN, &saved_);
	while (r < 0 && errno == EINTR);
	fd_ = -1;
}

} // namespace tlog::term
