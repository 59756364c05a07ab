// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/log.hpp"

#include <string>

#include <unistd.h>

namespace tlog::base {

namespace {

std::string gName = "tlog";
bool gRaw = false;
std::string gProgress; // the progress line shown now, "" for none

// Goes back to the start of the line and erases it.
constexpr std::string_view kEraseLine = "\r\x1b[K";

void writeErr(const std::string &text) noexcept
{
	// Best effort: a diagnostic that cannot be written has nowhere to go.
	ssize_t r = ::write(STDERR_FILENO, text.data(), text.size());
	(void)r;
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
