// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/signal_set.hpp"

#include <cerrno>

#include <sys/signalfd.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::term {

SignalSet::SignalSet(std::initializer_list<int> signals)
{
	sigemptyset(&set_);
	for (int sig : signals)
		sigaddset(&set_, sig);
	if (::sigprocmask(SIG_BLOCK, &set_, &old_) < 0)
		base::throwErrno("blocking signals");
	fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
	if (!fd_) {
		int err = errno;
		::sigprocmask(SIG_SETMASK, &old_, nullptr);
		base::throwSystem(err, "signalfd");
	}
}

SignalSet::~SignalSet()
{
	fd_.reset();
	::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

std::optional<int> SignalSet::read()
{
	signalfd_siginfo info{};
	auto n = base::readSome(fd_.get(), &info, sizeof(info));
	if (n != static_cast<std::ptrdiff_t>(sizeof(info)))
		return std::nullopt;
	return static_cast<int>(info.ssi_signo);
}

void SignalSet::resetInChild() noexcept
{
	struct sigaction dfl {};
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		::sigaction(sig, &dfl, nullptr); // fails harmlessly for KILL/STOP
	sigset_t none;
	sigemptyset(&none);
	::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void SignalSet::reraise(int sig) noexcept
{
	struct sigaction dfl {};
	dfl.sa_handler = SIG_DFL;
	::sigaction(sig, &dfl, nullptr);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	::sigprocmask(SIG_UNBLOCK, &one, nullptr);
	::raise(sig);
}

IgnoredSignals::IgnoredSignals(std::initializer_list<int> signals)
{
	saved_.reserve(signals.size()); // the one throw, before any change
	struct sigaction ign {};
	ign.sa_handler = SIG_IGN;
	for (int sig : signals) {
		struct sigaction old {};
		if (::sigaction(sig, &ign, &old) == 0)
			saved_.emplace_back(sig, old);
	}
}

IgnoredSignals::~IgnoredSignals()
{
	for (auto &[sig, old] : saved_)
		::sigaction(sig, &old, nullptr);
}

} // namespace tlog::term
