// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-rec-session: a login shell that records the whole session.

#include "tlog/base/log.hpp"
#include "tlog/base/run_main.hpp"
#include "tlog/rec/identity.hpp"
#include "tlog/rec/login_session.hpp"
#include "tlog/rec/session_command.hpp"

int main(int argc, char *argv[])
{
	using namespace tlog;
	// Before anything else: who the user is and who we run as.
	const rec::Identity ids = rec::currentIdentity();
	rec::openStandardFds();
	base::setProgramName("tlog-rec-session");
	// Fail closed: without a recording there is no session.
	return base::runMain(
	    [&] { return rec::runLoginSession(ids, rec::parseSessionCommandLine(argc, argv)); },
	    "the session cannot be recorded, so it ends");
}
