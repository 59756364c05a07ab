// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/log.hpp"

#include <cerrno>
#include <string>
#include <string_view>

#include <poll.h>
#include <unistd.h>

namespace tlog::base {

namespace {

std::string gName = "tlog";
bool gRaw = false;
std::string gProgress; // the progress line shown now, "" for none

// Goes back to the start of the line and erases it.
constexpr std::string_view kEraseLine = "\r\x1b[K";

// How long a diagnostic waits for a terminal that takes no output.
constexpr int kStderrWaitMs = 2000;

void writeErr(const std::string &text) noexcept
{
	// Whole, even when stderr shares a non-blocking file description with
	// the terminal the recorder relays to (full in an output flood, just
	// when a warning about lost data comes); but never stuck for long on
	// a terminal that stalled. A diagnostic that cannot be written has
	// nowhere else to go.
	std::string_view left = text;
	int waitedMs = 0;
	while (!left.empty()) {
		ssize_t n = ::write(STDERR_FILENO, left.data(), left.size());
		if (n >= 0) {
			left.remove_prefix(static_cast<std::size_t>(n));
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || waitedMs >= kStderrWaitMs)
			return;
		pollfd p{STDERR_FILENO, POLLOUT, 0};
		if (::poll(&p, 1, 100) < 0 && errno != EINTR)
			return;
		waitedMs += 100;
	}
}

} // namespace

void setProgramName(std::string_view name) noexcept
{
	try {
		auto slash = name.rfind('/');
		gName = slash == std::string_view::npos ? name : name.substr(slash + 1);
	} catch (...) {
	}
}

std::string_view programName() noexcept
{
	return gName;
}

void setRawTerminal(bool raw) noexcept
{
	gRaw = raw;
}

void logLine(std::string_view message) noexcept
{
	try {
		std::string line = gName + ": " + std::string(message) + (gRaw ? "\r\n" : "\n");
		if (!gProgress.empty())
			line = std::string(kEraseLine) + line + gName + ": " + gProgress;
		writeErr(line);
	} catch (...) {
	}
}

void logUsageHint() noexcept
{
	try {
		logLine("try '" + gName + " --help' for more information");
	} catch (...) {
	}
}

void showProgress(std::string_view message) noexcept
{
	try {
		if ((message.empty() && gProgress.empty()) || ::isatty(STDERR_FILENO) != 1)
			return;
		std::string line(kEraseLine);
		if (!message.empty())
			line += gName + ": " + std::string(message);
		gProgress = message;
		writeErr(line);
	} catch (...) {
	}
}

} // namespace tlog::base
