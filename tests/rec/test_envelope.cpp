// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE envelope
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <regex>
#include <string>

#include <unistd.h>

#include "tlog/rec/envelope.hpp"

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(recording_id_has_boot_pid_and_start)
{
	auto id = tlog::rec::recordingId();
	std::smatch m;
	BOOST_REQUIRE_MESSAGE(
	    std::regex_match(id, m, std::regex("([0-9a-f]{32})-([0-9a-f]+)-([0-9a-f]+)")), id);
	BOOST_TEST(std::stoul(m[2].str(), nullptr, 16) == static_cast<unsigned long>(::getpid()));
	// Stable within one process.
	BOOST_TEST(tlog::rec::recordingId() == id);
}

BOOST_AUTO_TEST_CASE(envelope_fields)
{
	::setenv("TERM", "test-term", 1);
	auto e = tlog::rec::makeEnvelope();
	BOOST_TEST(e.term == "test-term");
	BOOST_TEST(!e.host.empty());
	BOOST_TEST(!e.user.empty());
	BOOST_TEST(e.rec == tlog::rec::recordingId());
	if (auto s = tlog::rec::auditSession())
		BOOST_TEST(e.session == *s);
	else
		BOOST_TEST(e.session == tlog::codec::kNoSession);
	::unsetenv("TERM");
	BOOST_TEST(tlog::rec::makeEnvelope().term == "");
}

BOOST_AUTO_TEST_SUITE_END()
