// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include <signal.h>

#include "tlog/base/unique_fd.hpp"

namespace tlog::term {

/// Blocks a set of signals and delivers them through a signalfd, so they
/// are read in the event loop and no work happens in a signal handler.
/// The destructor unblocks them again.
class SignalSet {
public:
	/// Throws: std::system_error.
	explicit SignalSet(std::initializer_list<int> signals);
	SignalSet(const SignalSet &) = delete;
	SignalSet &operator=(const SignalSet &) = delete;
	~SignalSet();

	int fd() const noexcept { return fd_.get(); }
	/// The next pending signal, or nullopt when none is.
	/// Throws: std::system_error.
	std::optional<int> read();

	/// For a child between fork and exec: empty signal mask and default
	/// dispositions for everything, so the program starts clean.
	static void resetInChild() noexcept;

	/// Restores the default disposition of @p sig, unblocks it and raises
	/// it: how a program dies "of" the signal it was sent after cleaning up.
	static void reraise(int sig) noexcept;

private:
	sigset_t set_{};
	sigset_t old_{};
	base::UniqueFd fd_;
};

/// Ignores signals while alive and then puts their old actions back
/// (a child's resetInChild() gives it the defaults in any case).
class IgnoredSignals {
public:
	/// Throws: std::bad_alloc (then nothing is changed).
	explicit IgnoredSignals(std::initializer_list<int> signals);
	IgnoredSignals(const IgnoredSignals &) = delete;
	IgnoredSignals &operator=(const IgnoredSignals &) = delete;
	~IgnoredSignals();

private:
	std::vector<std::pair<int, struct sigaction>> saved_;
};

} // namespace tlog::term
