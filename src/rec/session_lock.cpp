// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/session_lock.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/process.hpp"

namespace tlog::rec {

namespace {

// The kernel's name for our recorder (comm is cut at 15 bytes).
constexpr const char *kRecorderComm = "tlog-rec-sessio";
// Ancestors looked at: far more than any real chain of logins.
constexpr int kMaxAncestors = 1024;

struct Note {
	pid_t pid = 0;
	unsigned long long start = 0;
	std::optional<unsigned long long> terminal;
};

std::optional<Note> parseNote(const std::string &text)
{
	Note note;
	char end = 0;
	unsigned long long terminal = 0;
	int n = std::sscanf(text.c_str(), "pid %d start %llu terminal %llu%c", &note.pid,
			    &note.start, &terminal, &end);
	if (n == 4 && end == '\n')
		note.terminal = terminal;
	else if (std::sscanf(text.c_str(), "pid %d start %llu%c", &note.pid, &note.start, &end) !=
		     3 ||
		 end != '\n')
		return std::nullopt;
	if (note.pid <= 0)
		return std::nullopt;
	return note;
}

// The pid /proc/locks gives as holding an flock on the file @p st.
std::optional<pid_t> flockHolder(const struct stat &st)
{
	std::ifstream in("/proc/locks");
	std::string line;
	while (std::getline(in, line)) {
		// "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter's
		// line has "->" after the number.
		std::istringstream fields(line);
		std::string number, type, mode, access, device;
		long long pid = 0;
		if (!(fields >> number >> type) || type != "FLOCK")
			continue;
		if (!(fields >> mode >> access >> pid >> device))
			continue;
		unsigned major = 0, minor = 0;
		unsigned long long inode = 0;
		char end = 0;
		if (std::sscanf(device.c_str(), "%x:%x:%llu%c", &major, &minor, &inode, &end) != 3)
			continue;
		if (major == ::major(st.st_dev) && minor == ::minor(st.st_dev) &&
		    inode == st.st_ino && pid > 0)
			return static_cast<pid_t>(pid);
	}
	return std::nullopt;
}

// Whether @p pid, started at @p start, is an ancestor of this process.
bool isAncestor(pid_t pid, unsigned long long start)
{
	auto self = base::processStat(0);
	if (!self)
		return false;
	pid_t next = self->ppid;
	for (int i = 0; i < kMaxAncestors && next > 1; i++) {
		auto stat = base::processStat(next);
		if (!stat)
			return false;
		if (stat->pid == pid)
			return stat->startTime == start;
		next = stat->ppid;
	}
	return false;
}

} // namespace

SessionLock::SessionLock(const std::string &dir, std::uint32_t session)
    : path_(dir + "/session." + std::to_string(session) + ".lock")
{
	// O_NOFOLLOW: a link planted in the directory must not redirect us
	// (the directory is the recorder's alone, but be strict anyway).
	fd_.reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
	if (!fd_)
		base::throwErrno("opening " + path_);
	int r;
	do
		r = ::flock(fd_.get(), LOCK_EX | LOCK_NB);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		state_ = State::Taken;
		// What a previous holder wrote must not speak for us: say at
		// once who holds it now.
		auto self = base::processStat(0);
		note_ = "pid " + std::to_string(::getpid()) + " start " +
			std::to_string(self ? self->startTime : 0);
		writeNote(note_ + "\n");
	} else if (errno == EWOULDBLOCK) {
		state_ = State::Busy;
	} else {
		base::throwErrno("locking " + path_);
	}
}

void SessionLock::writeNote(const std::string &text)
{
	if (::ftruncate(fd_.get(), 0) < 0 ||
	    ::pwrite(fd_.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
		base::throwErrno("writing " + path_);
}

void SessionLock::noteTerminal(dev_t device)
{
	writeNote(note_ + " terminal " + std::to_string(device) + "\n");
}

bool SessionLock::holderRecords(std::initializer_list<int> fds) const
{
	char buf[128];
	ssize_t n = ::pread(fd_.get(), buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	auto note = parseNote(std::string(buf, static_cast<std::size_t>(n)));
	if (!note || !note->terminal)
		return false;
	struct stat st {};
	if (::fstat(fd_.get(), &st) != 0 || flockHolder(st) != note->pid)
		return false;
	auto holder = base::processStat(note->pid);
	if (!holder || holder->startTime != note->start || holder->comm != kRecorderComm ||
	    !isAncestor(note->pid, note->start))
		return false;
	for (int fd : fds) {
		struct stat term {};
		if (::fstat(fd, &term) != 0 || !S_ISCHR(term.st_mode) ||
		    static_cast<unsigned long long>(term.st_rdev) != *note->terminal)
			return false;
	}
	return true;
}

} // namespace tlog::rec
