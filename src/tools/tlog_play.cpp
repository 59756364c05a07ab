// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-play: plays back a recording made by tlog-rec, or lists recordings.
#include <exception>
#include <string>
#include <system_error>

#include <signal.h>
#include <unistd.h>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/play/command_line.hpp"
#include "tlog/play/playback.hpp"
#include "tlog/term/signal_set.hpp"

namespace {

int runTlogPlay(int argc, char *argv[])
{
	using namespace tlog;
	auto commandLine = play::parseCommandLine(argc, argv);
	if (commandLine.help) {
		base::writeAll(STDOUT_FILENO, play::usageText());
		return 0;
	}
	if (commandLine.version) {
		base::writeAll(STDOUT_FILENO, "tlog-play " TLOG_VERSION "\n");
		return 0;
	}
	conf::PlayConfig config;
	config.loadLayers(conf::PlayConfigSources::fromEnvironment());
	play::applyCommandLine(commandLine, config);
	if (commandLine.configuration) {
		base::writeAll(STDOUT_FILENO, config.toJson().toString(true) + "\n");
		return 0;
	}

	play::PlaybackRequest request;
	request.list = commandLine.list;
	request.json = commandLine.json;
	request.exportFormat = commandLine.exportFormat;
	request.exportPath = commandLine.exportPath;
	request.search = commandLine.search;
	request.listMatches = commandLine.listMatches;
	request.inputPath = commandLine.inputPath;
	request.outFd = STDOUT_FILENO;
	// Keys come from standard input when it is a terminal and not the
	// recording itself.
	bool recordingOnStdin =
		(config.reader == "file" || config.reader == "asciicast") && config.filePath == "-";
	request.keyFd = !recordingOnStdin && ::isatty(STDIN_FILENO) == 1 ? STDIN_FILENO : -1;
	int signal = play::runPlayback(config, request);
	if (signal != 0) {
		// The terminal is restored: die of the signal, as the shell expects.
		term::SignalSet::reraise(signal);
		return 128 + signal;
	}
	return 0;
}

} // namespace

int main(int argc, char *argv[])
{
	using namespace tlog;
	base::setProgramName("tlog-play");
	// A closed output pipe is an EPIPE error, handled below after the
	// terminal is restored, rather than a death in raw mode; an export
	// past the file size limit an EFBIG error rather than a silent death.
	::signal(SIGPIPE, SIG_IGN);
	::signal(SIGXFSZ, SIG_IGN);
	try {
		return runTlogPlay(argc, argv);
	} catch (const base::UsageError &e) {
		base::logLine(e.what());
		base::logUsageHint();
		return 2;
	} catch (const std::system_error &e) {
		if (e.code() == std::errc::broken_pipe)
			term::SignalSet::reraise(SIGPIPE);
		base::logLine(base::describe(e));
		return 1;
	} catch (const std::exception &e) {
		base::logLine(base::describe(e));
		return 1;
	}
}
