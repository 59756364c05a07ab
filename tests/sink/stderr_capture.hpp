// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdio>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "support/files.hpp"

namespace tlog::test {

/// Sends fd 2 to a temporary file while alive; text() reads it so far.
class StderrCapture {
public:
	StderrCapture() : saved_(::dup(STDERR_FILENO))
	{
		int fd = ::open((dir_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		::dup2(fd, STDERR_FILENO);
		::close(fd);
	}
	StderrCapture(const StderrCapture &) = delete;
	StderrCapture &operator=(const StderrCapture &) = delete;
	~StderrCapture()
	{
		::dup2(saved_, STDERR_FILENO);
		::close(saved_);
	}
	std::string text() const { return readFile(dir_ / "stderr"); }

private:
	TempDir dir_;
	int saved_;
};

} // namespace tlog::test
