// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE play_unit
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "tlog/base/error.hpp"
#include "tlog/play/playback_clock.hpp"
#include "tlog/play/position.hpp"

using namespace std::chrono_literals;
using tlog::base::Timestamp;
using tlog::play::parsePosition;
using tlog::play::PlaybackClock;
using tlog::play::PlayPosition;

BOOST_AUTO_TEST_CASE(clock_runs_at_speed)
{
	PlaybackClock clock(2.0);
	clock.seek(Timestamp(10s), Timestamp(0s));
	BOOST_TEST(clock.position(Timestamp(10s)).count() == 0);
	BOOST_TEST((clock.position(Timestamp(11s)) == Timestamp(2s)));
	BOOST_TEST((clock.dueAt(Timestamp(3s)) == Timestamp(11500ms)));
	// Positions already passed are due at once.
	BOOST_TEST((clock.dueAt(Timestamp(0s)) == Timestamp(10s)));

	clock.setSpeed(Timestamp(11s), 0.5);
	BOOST_TEST((clock.position(Timestamp(13s)) == Timestamp(3s)));
	BOOST_TEST((clock.dueAt(Timestamp(4s)) == Timestamp(15s)));
}

BOOST_AUTO_TEST_CASE(clock_pauses)
{
	PlaybackClock clock(1.0, true);
	clock.seek(Timestamp(0s), Timestamp(5s));
	BOOST_TEST(clock.paused());
	BOOST_TEST((clock.position(Timestamp(100s)) == Timestamp(5s)));
	BOOST_TEST(!clock.dueAt(Timestamp(6s)));

	clock.setPaused(Timestamp(100s), false);
	BOOST_TEST((clock.dueAt(Timestamp(6s)) == Timestamp(101s)));
	clock.setPaused(Timestamp(102s), true);
	BOOST_TEST((clock.position(Timestamp(200s)) == Timestamp(7s)));
}

BOOST_AUTO_TEST_CASE(clock_due_time_reaches_position)
{
	// dueAt() rounds up: at the due time the position has been reached.
	PlaybackClock clock(3.0);
	clock.seek(Timestamp(7ns), Timestamp(1ms));
	for (auto pos : {Timestamp(1001us), Timestamp(1234567ns), Timestamp(10s)}) {
		auto due = clock.dueAt(pos);
		BOOST_REQUIRE(due);
		BOOST_TEST(clock.position(*due).count() >= pos.count());
	}
}

BOOST_AUTO_TEST_CASE(positions)
{
	BOOST_TEST((parsePosition("start") == PlayPosition{}));
	BOOST_TEST(parsePosition("end").end);
	BOOST_TEST((parsePosition("90").time == Timestamp(90s)));
	BOOST_TEST((parsePosition("1:30").time == Timestamp(90s)));
	BOOST_TEST((parsePosition("1:02:03").time == Timestamp(3723s)));
	BOOST_TEST((parsePosition("30:").time == Timestamp(30min)));
	BOOST_TEST((parsePosition("2::").time == Timestamp(2h)));
	BOOST_TEST((parsePosition("1.5").time == Timestamp(1500ms)));
	BOOST_TEST((parsePosition(":.25").time == Timestamp(250ms)));
	BOOST_TEST((parsePosition("0.0000000019").time == Timestamp(1ns)));
	for (auto bad : {"", "x", "1:2:3:4", "1.2.3", "-1", "1e3", "1.x", "1234567890", "st",
			 // Past a Timestamp's 292 years (found by tests/fuzz).
			 "999999999::", "999999999:0", "2562048::", "2562047:47:16"})
		BOOST_CHECK_THROW(parsePosition(bad), tlog::base::UsageError);
	// The last second that fits, with every fraction.
	BOOST_TEST(
	    (parsePosition("2562047:47:15.999999999").time == Timestamp(9223372035999999999)));
}
