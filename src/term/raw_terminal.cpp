// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/raw_terminal.hpp"

#include <unistd.h>

#include "tlog/base/log.hpp"

namespace tlog::term {

RawTerminal::RawTerminal(int fd) : guard_(fd, true), logRaw_(::isatty(STDERR_FILENO) == 1)
{
	base::setRawTerminal(logRaw_);
}

RawTerminal::~RawTerminal()
{
	if (logRaw_)
		base::setRawTerminal(false);
	guard_.restore();
}

} // namespace tlog::term
