// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/log.hpp"

#include <string>

#include <unistd.h>

namespace tlog::base {

namespace {

std::string gName = "tlog";
bool gRaw = false;

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
		// Best effort: a diagnostic that cannot be written has nowhere to go.
		ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
		(void)r;
	} catch (...) {
	}
}

} // namespace tlog::base
