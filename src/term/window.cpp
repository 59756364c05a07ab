// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/window.hpp"

#include <sys/ioctl.h>

#include "tlog/base/error.hpp"

namespace tlog::term {

std::optional<WindowSize> getWindowSize(int fd) noexcept
{
	winsize ws{};
	if (::ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return std::nullopt;
	return WindowSize{ws.ws_col, ws.ws_row};
}

void setWindowSize(int fd, WindowSize size)
{
	winsize ws{};
	ws.ws_col = size.cols;
	ws.ws_row = size.rows;
	if (::ioctl(fd, TIOCSWINSZ, &ws) < 0)
		base::throwErrno("setting the window size");
}

} // namespace tlog::term
