// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

#include "tlog/base/unique_fd.hpp"

namespace tlog::rec {

/// A utmp/wtmp entry for the recorded session's pty, made through
/// libutempter's set-group-id helper when the library is installed (it
/// is loaded at run time, so it stays optional). Every failure is a
/// warning on stderr, never a reason to refuse the login.
class UtmpRecord {
public:
	UtmpRecord() noexcept = default;
	UtmpRecord(const UtmpRecord &) = delete;
	UtmpRecord &operator=(const UtmpRecord &) = delete;
	/// Removes the entry again.
	~UtmpRecord();

	/// Adds the entry for the pty behind @p ptyMaster (borrowed; a copy
	/// is kept until removal). Call it while the real uid is still the
	/// user's: the helper checks the pty belongs to its caller.
	void add(int ptyMaster, const std::string &host) noexcept;

	bool added() const noexcept { return added_; }

private:
	void *library_ = nullptr;
	base::UniqueFd master_;
	bool added_ = false;
};

} // namespace tlog::rec
