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

/// "One recording per audit session": an flock on DIR/session.ID.lock.
/// The kernel drops an flock when its holder dies, so a file left behind
/// by a dead recorder is simply taken over.
///
/// The holder writes who it is into the file at once (its pid and start
/// time), and later the terminal it records. A login that finds the lock
/// busy skips recording only when facts the user cannot arrange say that
/// the holder records it already (holderRecords()); the file's text is
/// only a claim, checked against the kernel's.
class SessionLock {
public:
	enum class State {
		Taken, ///< we hold it: record
		Busy,  ///< a live recorder holds it
	};

	/// Opens (creating, mode 0600) and tries to lock the file of @p session
	/// in @p dir, without waiting; once taken, replaces whatever the file
	/// held with this process's pid and start time. The file is made with
	/// the caller's effective ids: make it as the recording user.
	/// Throws: std::system_error when the file cannot be opened, locked or
	/// written.
	SessionLock(const std::string &dir, std::uint32_t session);

	State state() const noexcept { return state_; }
	const std::string &path() const noexcept { return path_; }

	/// Taken: notes in the file the terminal (device number) whose I/O
	/// this recorder records, for holderRecords().
	/// Throws: std::system_error.
	void noteTerminal(dev_t device);

	/// Busy: whether all of @p fds are the terminal that the live holder
	/// records, so that this login's I/O passes through it already (su -
	/// inside a recorded login). All of these must hold, else this login
	/// is recorded too (twice rather than not at all):
	/// - the kernel's list of locks (/proc/locks) names the pid the file
	///   names as the holder of this file's lock;
	/// - that process runs, with the start time the file names, under our
	///   recorder's name, and is an ancestor of this process;
	/// - it noted a terminal, and each of @p fds is that character device.
	/// Another terminal of the same audit session (a second channel of
	/// one ssh connection), a holder without a terminal, or one that is
	/// not our ancestor (started aside by the user) all fail it.
	bool holderRecords(std::initializer_list<int> fds) const;

private:
	/// Replaces the file's text. Throws: std::system_error.
	void writeNote(const std::string &text);

	std::string path_;
	base::UniqueFd fd_;
	State state_ = State::Busy;
	std::string note_; // ours, when taken: "pid P start S"
};

} // namespace tlog::rec
