// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace tlog::rec {

/// The ids a set-id tlog-rec-session starts with: the real ones are the
/// recorded user's, the effective ones the recording user's (tlog).
struct Identity {
	uid_t userUid = 0;
	gid_t userGid = 0;
	uid_t recorderUid = 0;
	gid_t recorderGid = 0;

	/// Running set-user-id or set-group-id: the environment is the
	/// user's and must not steer the recording.
	bool setId() const noexcept { return userUid != recorderUid || userGid != recorderGid; }
};

/// The real and effective ids of this process, noted before any change.
Identity currentIdentity() noexcept;

/// While alive, the effective ids are the user's (a set-id process: its
/// saved ids keep tlog's, so the destructor can switch back). Files made
/// and read in the scope are made and read as the user. Does nothing
/// when not set-id.
class UserScope {
public:
	/// Throws: std::system_error.
	explicit UserScope(const Identity &identity);
	UserScope(const UserScope &) = delete;
	UserScope &operator=(const UserScope &) = delete;
	/// Switches back; a failure there is fatal (abort), as going on with
	/// the wrong ids would be unsafe.
	~UserScope();

private:
	const Identity &identity_;
};

/// The recorder's side after the fork: real, effective and saved ids all
/// become the recording user's, so the recorded user can neither signal
/// nor trace it, and the process is made non-dumpable.
/// Throws: std::system_error (the ids are then unknown: do not go on).
void becomeRecorder(const Identity &identity);

/// The user's side: real, effective and saved ids all become the user's.
/// Throws: std::system_error.
void becomeUser(const Identity &identity);

/// Runs @p argv[0] as @p exec0 (or argv[0]) with the user's ids, without
/// recording: a nested login whose session is recorded already.
/// Throws: std::system_error when the ids cannot be dropped or exec fails.
[[noreturn]] void execAsUser(const Identity &identity, const std::vector<std::string> &argv,
			     const std::string &exec0);

} // namespace tlog::rec
