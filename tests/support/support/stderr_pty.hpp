// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

namespace tlog::test {

/// Stderr on a pty in raw mode (so the bytes come back as written, no CR
/// added) for the object's lifetime: for what is only written to a
/// terminal. Skips (requireOrSkip) where no pty can be had.
class StderrOnPty {
public:
	StderrOnPty();
	StderrOnPty(const StderrOnPty &) = delete;
	StderrOnPty &operator=(const StderrOnPty &) = delete;
	~StderrOnPty();
	/// What was written to stderr since the last call.
	std::string take();

private:
	int master_ = -1;
	int slave_ = -1;
	int saved_ = -1;
};

} // namespace tlog::test
