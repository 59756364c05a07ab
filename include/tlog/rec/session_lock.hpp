// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "tlog/base/unique_fd.hpp"

namespace tlog::rec {

/// Where session locks live unless told otherwise (tmpfiles.d makes it,
/// owned by the recording user, mode 0750).
inline constexpr const char *kLockDir = "/run/tlog";

/// "One recording per audit session": an flock on
/// DIR/session.ID.lock. The kernel drops an flock when its holder dies,
/// so a file left behind by a dead recorder is simply taken over; only a
/// live recorder of the same session keeps others out.
class SessionLock
{
public:
	enum class State {
		Taken, ///< we hold it: record
		Busy,  ///< a live recorder holds it: this is a nested login
	};

	/// Opens (creating, mode 0600) and tries to lock the file of @p session
	/// in @p dir, without waiting. The file is made with the caller's
	/// effective ids: make it as the recording user.
	/// Throws: std::system_error when the file cannot be opened or locked.
	SessionLock(const std::string &dir, std::uint32_t session);

	State state() const noexcept { return state_; }
	const std::string &path() const noexcept { return path_; }

private:
	std::string path_;
	base::UniqueFd fd_;
	State state_ = State::Busy;
};

} // namespace tlog::rec
