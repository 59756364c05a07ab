// SPDX-License-Identifier: GPL-2.0-or-later
// The main() of every test executable. The file of each executable that
// defines BOOST_TEST_MODULE provides init_unit_test() (Boost does that when
// BOOST_TEST_NO_MAIN is set); we only run the framework with it.
#include <boost/test/unit_test.hpp>

bool init_unit_test();

int main(int argc, char *argv[])
{
	return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
