// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

namespace tlog::rec {

struct Identity;
struct SessionCommandLine;

/// A closed stdin, stdout or stderr (ssh -n, a daemon) becomes /dev/null,
/// so no file opened later takes its number and the recorder's own fds
/// stay what they claim to be. glibc already fills closed ones for a
/// set-id program, but gives stdin a write-only /dev/full, which cannot be
/// read: that is replaced too. Call it first thing in main().
void openStandardFds() noexcept;

/// tlog-rec-session's policy for one login, as the set-id recorder runs
/// it with @p ids (noted before any change) and @p cl:
/// - --help, --version and --configuration are answered (the last as the
///   user, with none of the recorder's rights);
/// - the configuration: the system file, then the environment's layers
///   read with the user's rights and, set-id, only for the keys the user
///   may set (conf::isUserSettableKey());
/// - the one-recording-per-session lock, skipped only for a live ancestor
///   recorder on the same terminal (SessionLock::holderRecords()): then
///   the shell runs unrecorded, its session being recorded already;
/// - the writer opened and checked as the recording user before the shell
///   exists (openWriter()), the notice, the utmp entry, and the hand-over
///   of privileges once the shell runs (becomeRecorder()).
/// Returns the shell's exit status (or dies of the signal that ended it).
/// Throws: base::ConfigError for a bad setting, std::system_error and
/// std::runtime_error when the session cannot be recorded: the caller
/// ends the login (fail closed).
int runLoginSession(const Identity &ids, const SessionCommandLine &cl);

} // namespace tlog::rec
