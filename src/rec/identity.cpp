// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/identity.hpp"

#include <cstdlib>

#include <sys/prctl.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"

namespace tlog::rec {

namespace {

void setAllGids(gid_t gid, const char *who)
{
	if (::setresgid(gid, gid, gid) < 0)
		base::throwErrno(std::string("switching all group ids to ") + who + "'s (" +
				 std::to_string(gid) + ")");
	gid_t r, e, s;
	if (::getresgid(&r, &e, &s) < 0 || r != gid || e != gid || s != gid)
		throw std::runtime_error(std::string("group ids did not become ") + who + "'s");
}

void setAllUids(uid_t uid, const char *who)
{
	if (::setresuid(uid, uid, uid) < 0)
		base::throwErrno(std::string("switching all user ids to ") + who + "'s (" +
				 std::to_string(uid) + ")");
	uid_t r, e, s;
	if (::getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		throw std::runtime_error(std::string("user ids did not become ") + who + "'s");
}

} // namespace

Identity currentIdentity() noexcept
{
	return Identity{::getuid(), ::getgid(), ::geteuid(), ::getegid()};
}

UserScope::UserScope(const Identity &identity) : identity_(identity)
{
	if (!identity_.setId())
		return;
	// Group first: once the uid is the user's, the gid may not change.
	if (::setresgid(static_cast<gid_t>(-1), identity_.userGid, static_cast<gid_t>(-1)) < 0)
		base::throwErrno("switching to the user's group");
	if (::setresuid(static_cast<uid_t>(-1), identity_.userUid, static_cast<uid_t>(-1)) < 0) {
		int err = errno;
		::setresgid(static_cast<gid_t>(-1), identity_.recorderGid, static_cast<gid_t>(-1));
		base::throwSystem(err, "switching to the user's id");
	}
}

UserScope::~UserScope()
{
	if (!identity_.setId())
		return;
	if (::setresuid(static_cast<uid_t>(-1), identity_.recorderUid, static_cast<uid_t>(-1)) <
		0 ||
	    ::setresgid(static_cast<gid_t>(-1), identity_.recorderGid, static_cast<gid_t>(-1)) <
		0) {
		base::logLine("cannot switch back to the recorder's ids");
		std::abort();
	}
}

void becomeRecorder(const Identity &identity)
{
	if (identity.setId()) {
		setAllGids(identity.recorderGid, "the recorder");
		setAllUids(identity.recorderUid, "the recorder");
	}
	// Changing ids already made us non-dumpable (fs.suid_dumpable=0);
	// say so explicitly, so no core dump or ptrace attach by the user
	// can read the recording out of our memory.
	if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		base::throwErrno("prctl(PR_SET_DUMPABLE)");
}

void becomeUser(const Identity &identity)
{
	if (!identity.setId())
		return;
	setAllGids(identity.userGid, "the user");
	setAllUids(identity.userUid, "the user");
}

void execAsUser(const Identity &identity, const std::vector<std::string> &argv,
		const std::string &exec0)
{
	becomeUser(identity);
	std::vector<char *> args;
	for (auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	if (!exec0.empty() && !args.empty())
		args[0] = const_cast<char *>(exec0.c_str());
	args.push_back(nullptr);
	::execv(argv.at(0).c_str(), args.data());
	base::throwErrno("running " + argv.at(0));
}

} // namespace tlog::rec
