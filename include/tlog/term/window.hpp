// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

namespace tlog::term {

/// A terminal window size in character cells.
struct WindowSize {
	std::uint16_t cols = 0;
	std::uint16_t rows = 0;
	bool operator==(const WindowSize &) const = default;
};

/// The window size of terminal @p fd, or nullopt when it is not a terminal.
std::optional<WindowSize> getWindowSize(int fd) noexcept;

/// Sets the window size of terminal @p fd (a pty master or slave).
/// Throws: std::system_error.
void setWindowSize(int fd, WindowSize size);

} // namespace tlog::term
