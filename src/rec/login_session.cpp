// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/login_session.hpp"

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/envelope.hpp"
#include "tlog/rec/identity.hpp"
#include "tlog/rec/locale_setup.hpp"
#include "tlog/rec/record.hpp"
#include "tlog/rec/session_command.hpp"
#include "tlog/rec/session_lock.hpp"
#include "tlog/rec/utmp_record.hpp"
#include "tlog/term/child.hpp"

namespace tlog::rec {

namespace {

/// Prints the notice while the terminal is not raw yet, so the kernel
/// turns its "\n" into the terminal's line ends.
void printNotice(const std::string &notice)
{
	try {
		base::writeAll(STDOUT_FILENO, notice);
	} catch (const std::exception &e) {
		base::logLine("warning: cannot print the notice: " + base::describe(e));
	}
}

/// The lock directory: /run/tlog; TLOG_SESSION_LOCK_DIR only when not
/// set-id (tests), as the user must not choose where the recorder writes.
std::string lockDir(const Identity &ids)
{
	if (!ids.setId())
		if (const char *dir = std::getenv("TLOG_SESSION_LOCK_DIR"); dir != nullptr && *dir)
			return dir;
	return kLockDir;
}

/// The session's configuration: the system file as the recorder, the
/// environment's layers as the user (a file the user names is read with
/// the user's rights only), set-id only for the keys the user may set.
conf::SessionConfig loadConfig(const Identity &ids)
{
	conf::SessionConfig config;
	conf::ConfigSchema schema;
	config.bind(schema);
	auto layers = conf::ConfigLayers::fromEnvironment(conf::sessionConfigOrigin());
	conf::applySystemLayer(schema, layers);
	std::vector<std::string> ignored;
	{
		UserScope asUser(ids);
		conf::applyEnvironmentLayers(
		    schema, layers, ids.setId() ? conf::isUserSettableKey : nullptr, &ignored);
	}
	for (auto &what : ignored)
		base::logLine("warning: ignoring " + what +
			      ": the environment may not change the recording");
	return config;
}

/// The lock of the audit session in @p envelope, taken as the recording
/// user (our effective ids) in a directory only that user may write; none
/// without an audit session or when it cannot be taken (said so).
std::optional<SessionLock> takeLock(const Identity &ids, const codec::Envelope &envelope)
{
	std::optional<SessionLock> lock;
	if (envelope.session == codec::kNoSession) {
		base::logLine("warning: no audit session: recording without the "
			      "one-recording-per-session lock");
		return lock;
	}
	try {
		lock.emplace(lockDir(ids), envelope.session);
	} catch (const std::exception &e) {
		base::logLine("warning: recording without the session lock: " + base::describe(e));
	}
	return lock;
}

} // namespace

void openStandardFds() noexcept
{
	for (int fd = 0; fd <= 2; fd++) {
		int flags = ::fcntl(fd, F_GETFL);
		bool closed = flags < 0 && errno == EBADF;
		bool unreadable = fd == 0 && flags >= 0 && (flags & O_ACCMODE) == O_WRONLY;
		if (closed || unreadable) {
			int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (null >= 0 && null != fd) {
				::dup2(null, fd);
				::close(null);
			}
		}
	}
}

int runLoginSession(const Identity &ids, const SessionCommandLine &cl)
{
	if (conf::answerHelpOrVersion(cl, sessionUsageText()))
		return 0;
	conf::SessionConfig config = loadConfig(ids);
	config.shell = chooseShell(config.shell, cl);
	if (cl.configuration) {
		// Printing it needs none of the recorder's rights.
		becomeUser(ids);
		base::writeAll(STDOUT_FILENO, conf::configurationJson(config) + "\n");
		return 0;
	}
	config.validate();
	if (auto warning = setupLocale(); !warning.empty())
		base::logLine(warning);
	::setenv("SHELL", config.shell.c_str(), 1);
	auto shell = shellCommand(config.shell, cl);

	// Made before any id changes: "user" is the real (login) user.
	codec::Envelope envelope = makeEnvelope();

	std::optional<SessionLock> lock = takeLock(ids, envelope);
	if (lock && lock->state() == SessionLock::State::Busy) {
		// A live recorder, our ancestor, already records this terminal
		// (su - inside a recorded login): do not record it twice.
		if (lock->holderRecords({STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}))
			execAsUser(ids, shell.argv, shell.exec0);
		// Anything else (another terminal of the same audit session, a
		// holder started aside): this login is recorded too.
		lock.reset();
	}

	// Opened and checked as the recording user before the shell exists:
	// a writer that cannot log ends the login here, not once the shell
	// has run unrecorded.
	auto writer = openWriter(config.rec, "tlog-rec-session");
	// Likewise the key, which only the recorder's user may read: read
	// now, before record() runs with the user's effective ids.
	std::optional<codec::SigningKey> signingKey;
	if (!config.rec.signKey.empty())
		signingKey = loadSigningKey(config.rec.signKey);

	if (wantsNotice(cl, STDOUT_FILENO))
		printNotice(config.notice);

	UtmpRecord utmp;
	RecordRequest request;
	request.command = shell.argv;
	request.exec0 = shell.exec0;
	request.envelope = std::move(envelope);
	request.signingKey = std::move(signingKey);
	const char *sshClient = std::getenv("SSH_CLIENT");
	std::string remote = sshClient != nullptr ? sshClient : "";
	remote = remote.substr(0, remote.find(' '));
	request.afterSpawn = [&](int ptyMaster) {
		utmp.add(ptyMaster, remote);
		if (lock && ptyMaster >= 0)
			if (auto device = term::ptySlaveDevice(ptyMaster)) {
				try {
					lock->noteTerminal(*device);
				} catch (const std::exception &e) {
					// A nested login then records itself too.
					base::logLine("warning: " + base::describe(e));
				}
			}
		// Until here the user could signal us (our real uid was
		// theirs): the window between exec and this call. A kill in it
		// ends the session, as the pty's master closes with us; it
		// cannot leave the shell running unrecorded.
		becomeRecorder(ids);
	};
	RecordResult result;
	{
		// The pty is opened and the shell forked with the user's
		// effective ids: the pty belongs to the user, and exec turns
		// the child's saved ids into the user's too, so the shell holds
		// no trace of the recorder's rights. (spawnOnPty has no hook
		// between fork and exec; this gives the same end state as a
		// setresuid() there.)
		UserScope asUser(ids);
		result = record(config.rec, std::move(request), *writer);
	}
	return finishRecording(result, std::move(writer));
}

} // namespace tlog::rec
