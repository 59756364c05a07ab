// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/child.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/term/signal_set.hpp"

namespace tlog::term {

namespace {

// Only async-signal-safe calls from here on: we are between fork and exec.
[[noreturn]] void execChild(const std::vector<std::string> &argv, const std::string &exec0,
			    std::vector<char *> &args)
{
	SignalSet::resetInChild();
	::execvp(argv[0].c_str(), args.data());
	int err = errno;
	const char *msg = std::strerror(err);
	const char *parts[] = {"cannot run ", argv[0].c_str(), ": ", msg, "\n"};
	for (const char *p : parts) {
		ssize_t r = ::write(STDERR_FILENO, p, std::strlen(p));
		(void)r;
	}
	(void)exec0;
	::_exit(err == ENOENT ? 127 : 126);
}

std::vector<char *> makeArgs(const std::vector<std::string> &argv, const std::string &exec0)
{
	std::vector<char *> args;
	for (auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	if (!exec0.empty() && !args.empty())
		args[0] = const_cast<char *>(exec0.c_str());
	args.push_back(nullptr);
	return args;
}

base::UniqueFd makePipe(base::UniqueFd &other)
{
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) < 0)
		base::throwErrno("pipe");
	other.reset(fds[1]);
	return base::UniqueFd(fds[0]);
}

} // namespace

Child spawnOnPty(const std::vector<std::string> &argv, const termios *attrs,
		 std::optional<WindowSize> size, const std::string &exec0)
{
	if (argv.empty())
		throw std::invalid_argument("no program to run");
	auto args = makeArgs(argv, exec0);
	winsize ws{};
	if (size) {
		ws.ws_col = size->cols;
		ws.ws_row = size->rows;
	}
	int master = -1;
	pid_t pid = ::forkpty(&master, nullptr, const_cast<termios *>(attrs), size ? &ws : nullptr);
	if (pid < 0)
		base::throwErrno("forkpty");
	if (pid == 0)
		execChild(argv, exec0, args);
	Child child;
	child.pid = pid;
	::fcntl(master, F_SETFD, FD_CLOEXEC);
	child.input.reset(master);
	child.output.reset(::fcntl(master, F_DUPFD_CLOEXEC, 0));
	if (!child.output)
		base::throwErrno("dup");
	return child;
}

Child spawnOnPipes(const std::vector<std::string> &argv, const std::string &exec0)
{
	if (argv.empty())
		throw std::invalid_argument("no program to run");
	auto args = makeArgs(argv, exec0);
	base::UniqueFd inRead, outWrite, errWrite;
	// Parent ends: we write input, read output and error.
	base::UniqueFd inWrite;
	{
		int fds[2];
		if (::pipe2(fds, O_CLOEXEC) < 0)
			base::throwErrno("pipe");
		inRead.reset(fds[0]);
		inWrite.reset(fds[1]);
	}
	base::UniqueFd outRead = makePipe(outWrite);
	base::UniqueFd errRead = makePipe(errWrite);
	pid_t pid = ::fork();
	if (pid < 0)
		base::throwErrno("fork");
	if (pid == 0) {
		// dup2 clears FD_CLOEXEC on the targets.
		if (::dup2(inRead.get(), 0) < 0 || ::dup2(outWrite.get(), 1) < 0 ||
		    ::dup2(errWrite.get(), 2) < 0)
			::_exit(126);
		execChild(argv, exec0, args);
	}
	Child child;
	child.pid = pid;
	child.input = std::move(inWrite);
	child.output = std::move(outRead);
	child.error = std::move(errRead);
	return child;
}

int shellStatus(int waitStatus) noexcept
{
	if (WIFEXITED(waitStatus))
		return WEXITSTATUS(waitStatus);
	if (WIFSIGNALED(waitStatus))
		return 128 + WTERMSIG(waitStatus);
	return 1;
}

std::optional<dev_t> ptySlaveDevice(int master) noexcept
{
	char name[64];
	struct stat st {};
	if (::ptsname_r(master, name, sizeof(name)) != 0 || ::stat(name, &st) != 0 ||
	    !S_ISCHR(st.st_mode))
		return std::nullopt;
	return st.st_rdev;
}

} // namespace tlog::term
