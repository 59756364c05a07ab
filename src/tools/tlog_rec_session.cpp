// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-rec-session: a login shell that records the whole session.

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/envelope.hpp"
#include "tlog/rec/identity.hpp"
#include "tlog/rec/locale_setup.hpp"
#include "tlog/rec/record.hpp"
#include "tlog/rec/session_command.hpp"
#include "tlog/rec/session_lock.hpp"
#include "tlog/rec/utmp_record.hpp"
#include "tlog/term/child.hpp"
#include "tlog/term/signal_set.hpp"

namespace {

constexpr const char *kUsage = R"(Usage: tlog-rec-session [OPTION...] [CMD_FILE [CMD_ARG...]]
       tlog-rec-session -c [OPTION...] CMD_STRING [CMD_NAME [CMD_ARG...]]
Start the user's shell under recording: a login shell for recorded users.

  -h, --help           print this help and exit
  -v, --version        print the version and exit
      --configuration  print the merged configuration as JSON and exit
  -l, --login          make the shell a login shell (also when argv[0]
                       starts with '-')
  -i, --interactive    pass -i to the shell
  -c, --command        pass -c and CMD_STRING to the shell

The shell comes from the "shell" key (default /bin/bash), then
$TLOG_REC_SESSION_SHELL, then a program name like
tlog-rec-session-shell-bin-zsh. Configuration: )" TLOG_SYSCONFDIR
				R"(/tlog/tlog-rec-session.conf,
then the file named by $TLOG_REC_SESSION_CONF_FILE, then the JSON in
$TLOG_REC_SESSION_CONF_TEXT. See tlog-rec-session(8), tlog-rec-session.conf(5).
)";

/// Prints the notice while the terminal is not raw yet, so the kernel
/// turns its "\n" into the terminal's line ends.
void printNotice(const std::string &notice)
{
	try {
		tlog::base::writeAll(STDOUT_FILENO, notice);
	} catch (const std::exception &e) {
		tlog::base::logLine("warning: cannot print the notice: " + tlog::base::describe(e));
	}
}

/// The lock directory: /run/tlog; TLOG_SESSION_LOCK_DIR only when not
/// set-id (tests), as the user must not choose where the recorder writes.
std::string lockDir(const tlog::rec::Identity &ids)
{
	if (!ids.setId())
		if (const char *dir = std::getenv("TLOG_SESSION_LOCK_DIR"); dir != nullptr && *dir)
			return dir;
	return tlog::rec::kLockDir;
}

/// A closed stdin, stdout or stderr (ssh -n, a daemon) becomes
/// /dev/null, so no file we open later takes its number and the
/// recorder's own fds stay what they claim to be.
/// glibc already fills closed ones for a set-id program, but gives stdin
/// a write-only /dev/full, which cannot be read: replace that too.
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

int run(const tlog::rec::Identity &ids, const tlog::rec::SessionCommandLine &cl)
{
	using namespace tlog;
	conf::SessionConfig config;
	conf::ConfigSchema schema;
	config.bind(schema);
	auto origin = conf::sessionConfigOrigin();
	conf::applySystemLayer(schema, origin);
	std::vector<std::string> ignored;
	{
		// A file the user names is read with the user's rights only.
		rec::UserScope asUser(ids);
		conf::applyEnvironmentLayers(schema, origin, ids.setId(), ignored);
	}
	for (auto &what : ignored)
		base::logLine("warning: ignoring " + what +
			      ": the environment may not change the recording");
	config.shell = rec::chooseShell(config.shell, cl);
	if (cl.configuration) {
		// Printing it needs none of the recorder's rights.
		rec::becomeUser(ids);
		std::cout << conf::configurationJson(config) << '\n';
		return 0;
	}
	config.validate();
	if (auto warning = rec::setupLocale(); !warning.empty())
		base::logLine(warning);
	::setenv("SHELL", config.shell.c_str(), 1);
	auto shell = rec::shellCommand(config.shell, cl);

	// Made before any id changes: "user" is the real (login) user.
	codec::Envelope envelope = rec::makeEnvelope();

	// Taken as the recording user (our effective ids), in a directory
	// only that user may write.
	std::optional<rec::SessionLock> lock;
	if (envelope.session == codec::kNoSession) {
		base::logLine("warning: no audit session: recording without the "
			      "one-recording-per-session lock");
	} else {
		try {
			lock.emplace(lockDir(ids), envelope.session);
		} catch (const std::exception &e) {
			base::logLine("warning: recording without the session lock: " +
				      base::describe(e));
		}
	}
	if (lock && lock->state() == rec::SessionLock::State::Busy) {
		// A live recorder, our ancestor, already records this terminal
		// (su - inside a recorded login): do not record it twice.
		if (lock->holderRecords({STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}))
			rec::execAsUser(ids, shell.argv, shell.exec0);
		// Anything else (another terminal of the same audit session, a
		// holder started aside): this login is recorded too.
		lock.reset();
	}

	// Opened and checked as the recording user before the shell exists:
	// a writer that cannot log ends the login here, not once the shell
	// has run unrecorded.
	auto writer = rec::openWriter(config.rec, "tlog-rec-session");

	if (rec::wantsNotice(cl, STDOUT_FILENO))
		printNotice(config.notice);

	rec::UtmpRecord utmp;
	rec::RecordRequest request;
	request.command = shell.argv;
	request.exec0 = shell.exec0;
	request.envelope = std::move(envelope);
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
		rec::becomeRecorder(ids);
	};
	rec::RecordResult result;
	{
		// The pty is opened and the shell forked with the user's
		// effective ids: the pty belongs to the user, and exec turns
		// the child's saved ids into the user's too, so the shell holds
		// no trace of the recorder's rights. (spawnOnPty has no hook
		// between fork and exec; this gives the same end state as a
		// setresuid() there.)
		rec::UserScope asUser(ids);
		result = rec::record(config.rec, std::move(request), *writer);
	}
	writer.reset(); // reports dropped messages before we go
	if (result.signal)
		term::SignalSet::reraise(*result.signal);
	return result.exitStatus;
}

} // namespace

int main(int argc, char *argv[])
{
	using namespace tlog;
	// Before anything else: who the user is and who we run as.
	const rec::Identity ids = rec::currentIdentity();
	openStandardFds();
	base::setProgramName("tlog-rec-session");
	rec::SessionCommandLine cl;
	try {
		cl = rec::parseSessionCommandLine(argc, argv);
		if (cl.help) {
			std::cout << kUsage;
			return 0;
		}
		if (cl.version) {
			std::cout << "tlog-rec-session " TLOG_VERSION "\n";
			return 0;
		}
	} catch (const base::UsageError &e) {
		base::logLine(base::describe(e));
		base::logUsageHint();
		return 2;
	}
	try {
		return run(ids, cl);
	} catch (const std::exception &e) {
		// Fail closed: without a recording there is no session.
		base::logLine(base::describe(e));
		base::logLine("the session cannot be recorded, so it ends");
		return 1;
	}
}
