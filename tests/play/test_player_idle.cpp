// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE player_idle
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "play_util.hpp"
#include "support/files.hpp"
#include "tlog/source/asciicast_reader.hpp"
#include "tlog/source/mem_reader.hpp"

using namespace std::chrono_literals;
using tlog::play::PlayerOptions;
using tlog::test::message;
using tlog::test::playCaptured;

BOOST_AUTO_TEST_CASE(idle_limit_shortens_long_pauses)
{
	// Pauses of 3 s and 2 s, and one of 50 ms, with a limit of 150 ms:
	// about 350 ms instead of 5.05 s.
	tlog::source::MemReader reader({
	    message("A", 1, 0, ">1", "a"),
	    message("A", 2, 3000, ">1+2000>1+50>1", "bcd"),
	});
	PlayerOptions options;
	options.idleLimit = 150ms;
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "abcd");
	BOOST_TEST(run.elapsed.count() >= 340);
	BOOST_TEST(run.elapsed.count() < 2000);
}

BOOST_AUTO_TEST_CASE(idle_limit_applies_to_an_imported_asciicast)
{
	// The first event waits 2.5 s after the start: shortened too.
	tlog::test::TempDir dir;
	auto path = dir / "pause.cast";
	tlog::test::writeFile(path, "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
				    "[2.5, \"o\", \"one \"]\n"
				    "[2.6, \"o\", \"two \"]\n"
				    "[5.0, \"o\", \"three\"]\n");
	tlog::source::AsciicastReader reader(path.string());
	PlayerOptions options;
	options.idleLimit = 200ms;
	auto run = playCaptured(reader, options);
	BOOST_TEST(run.error == "");
	BOOST_TEST(run.out == "one two three");
	BOOST_TEST(run.elapsed.count() >= 490); // 200 + 100 + 200 ms
	BOOST_TEST(run.elapsed.count() < 2500);
}
