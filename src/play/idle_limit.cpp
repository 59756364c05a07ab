// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/idle_limit.hpp"

namespace tlog::play {

base::Timestamp IdleLimit::map(base::Timestamp ts) noexcept
{
	if (!active())
		return ts;
	if (started_ && ts - last_ > limit_)
		removed_ += ts - last_ - limit_;
	started_ = true;
	last_ = ts;
	return ts - removed_;
}

} // namespace tlog::play
