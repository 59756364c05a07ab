// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <termios.h>

namespace tlog::term {

/// Saves the attributes of terminal @p fd and switches it to raw mode;
/// the destructor (or restore()) puts them back, so every exit path,
/// exceptions included, leaves the user's terminal as it was. Move-only.
class TermiosGuard {
public:
	/// Throws: std::system_error when @p fd is not a terminal.
	explicit TermiosGuard(int fd, bool raw = true);
	TermiosGuard(TermiosGuard &&other) noexcept;
	TermiosGuard &operator=(TermiosGuard &&) = delete;
	TermiosGuard(const TermiosGuard &) = delete;
	~TermiosGuard() { restore(); }

	/// The attributes saved at construction (the pty copies them).
	const termios &saved() const noexcept { return saved_; }
	/// Restores the saved attributes now; later calls do nothing.
	void restore() noexcept;

private:
	int fd_;
	termios saved_{};
};

} // namespace tlog::term
