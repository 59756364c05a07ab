// SPDX-License-Identifier: GPL-2.0-or-later
// Not a test: test_support runs it to see requireOrSkip() end a test
// executable with 77, or 1 under TLOG_TESTS_STRICT=1.
#define BOOST_TEST_MODULE skip_probe
#include <boost/test/unit_test.hpp>

#include "support/skip.hpp"

BOOST_AUTO_TEST_CASE(needs_a_missing_service)
{
	tlog::test::requireOrSkip(true, "something present");
	tlog::test::requireOrSkip(false, "a service the probe never has");
	BOOST_ERROR("requireOrSkip(false) returned");
}
