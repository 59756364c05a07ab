// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-play: plays back a recording made by tlog-rec, or lists recordings.

#include <signal.h>

#include "tlog/base/log.hpp"
#include "tlog/base/run_main.hpp"
#include "tlog/play/command_line.hpp"
#include "tlog/play/playback.hpp"

int main(int argc, char *argv[])
{
	using namespace tlog;
	base::setProgramName("tlog-play");
	// A closed output pipe is an EPIPE error, handled after the terminal
	// is restored, rather than a death in raw mode; an export past the
	// file size limit an EFBIG error rather than a silent death.
	::signal(SIGPIPE, SIG_IGN);
	::signal(SIGXFSZ, SIG_IGN);
	return base::runMain([&] { return play::runPlayer(play::parseCommandLine(argc, argv)); });
}
