// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/stderr_pty.hpp"

#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "support/skip.hpp"

namespace tlog::test {

StderrOnPty::StderrOnPty()
{
	requireOrSkip(::openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0,
		      "a pty (/dev/ptmx)");
	termios raw{};
	::tcgetattr(slave_, &raw);
	::cfmakeraw(&raw);
	::tcsetattr(slave_, TCSANOW, &raw);
	saved_ = ::dup(STDERR_FILENO);
	::dup2(slave_, STDERR_FILENO);
}

StderrOnPty::~StderrOnPty()
{
	::dup2(saved_, STDERR_FILENO);
	::close(saved_);
	::close(slave_);
	::close(master_);
}

std::string StderrOnPty::take()
{
	std::string text;
	char buf[4096];
	pollfd p{master_, POLLIN, 0};
	// What was written is there at once; a short wait for the last bit.
	while (::poll(&p, 1, 50) > 0) {
		auto n = ::read(master_, buf, sizeof(buf));
		if (n <= 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
	}
	return text;
}

} // namespace tlog::test
