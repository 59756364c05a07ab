// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-rec: record the terminal I/O of a program or a shell.

#include "tlog/base/log.hpp"
#include "tlog/base/run_main.hpp"
#include "tlog/rec/command_line.hpp"
#include "tlog/rec/record.hpp"

int main(int argc, char *argv[])
{
	using namespace tlog;
	base::setProgramName("tlog-rec");
	return base::runMain([&] { return rec::runRecorder(rec::parseCommandLine(argc, argv)); });
}
