// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include <sys/types.h>

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

	/// Taken: notes in the file the terminal (device number) whose I/O
	/// this recorder records, for nestedOn().
	/// Throws: std::system_error.
	void noteTerminal(dev_t device);
	/// Busy: whether each of @p fds is the terminal the live recorder
	/// noted, so that all of our I/O already passes through it (su -
	/// inside a recorded login). Not so for another terminal of the same
	/// audit session (a second channel of one ssh connection, which the
	/// live recorder never sees), none noted yet, or fds that are not
	/// that terminal: then this login is recorded too.
	bool nestedOn(std::initializer_list<int> fds) const;

private:
	std::string path_;
	base::UniqueFd fd_;
	State state_ = State::Busy;
};

} // namespace tlog::rec
