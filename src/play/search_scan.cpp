// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/search_scan.hpp"

namespace tlog::play {

bool SearchScan::onMatch(base::Timestamp ts) noexcept
{
	if (direction_ == Direction::Forward && ts > origin_) {
		direction_ = Direction::None;
		return true;
	}
	if (direction_ == Direction::Back && ts < origin_)
		found_ = ts;
	return false;
}

SearchScan::Landing SearchScan::land(const std::string &pattern)
{
	auto direction = direction_;
	direction_ = Direction::None;
	if (direction == Direction::Back) {
		if (found_) {
			auto found = *found_;
			found_.reset();
			return Landing{found, {}};
		}
		return Landing{std::nullopt, "no earlier match for \"" + pattern + "\""};
	}
	if (direction == Direction::Forward)
		// The end came first: back to where the search started.
		return Landing{origin_, "no later match for \"" + pattern + "\""};
	return Landing{};
}

} // namespace tlog::play
