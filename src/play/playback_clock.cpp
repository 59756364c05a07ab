// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/playback_clock.hpp"

#include <cmath>

namespace tlog::play {

void PlaybackClock::seek(base::Timestamp now, base::Timestamp position) noexcept
{
	anchorNow_ = now;
	anchorPos_ = position;
}

base::Timestamp PlaybackClock::position(base::Timestamp now) const noexcept
{
	if (paused_ || now <= anchorNow_)
		return anchorPos_;
	auto elapsed = static_cast<double>((now - anchorNow_).count()) * speed_;
	return anchorPos_ + base::Timestamp(static_cast<base::Timestamp::rep>(std::floor(elapsed)));
}

std::optional<base::Timestamp> PlaybackClock::dueAt(base::Timestamp position) const noexcept
{
	if (paused_)
		return std::nullopt;
	if (position <= anchorPos_)
		return anchorNow_;
	auto wait = static_cast<double>((position - anchorPos_).count()) / speed_;
	return anchorNow_ + base::Timestamp(static_cast<base::Timestamp::rep>(std::ceil(wait)));
}

void PlaybackClock::setSpeed(base::Timestamp now, double speed) noexcept
{
	seek(now, position(now));
	speed_ = speed;
}

void PlaybackClock::setPaused(base::Timestamp now, bool paused) noexcept
{
	seek(now, position(now));
	paused_ = paused;
}

} // namespace tlog::play
