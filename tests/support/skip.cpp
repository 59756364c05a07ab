// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/skip.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace tlog::test {

bool strictMode() noexcept
{
	const char *v = std::getenv("TLOG_TESTS_STRICT");
	return v != nullptr && std::strcmp(v, "1") == 0;
}

void requireOrSkip(bool available, std::string_view what)
{
	if (available)
		return;
	bool strict = strictMode();
	std::cout.flush();
	if (strict)
		std::cerr << "FAIL: " << what << " is not available (TLOG_TESTS_STRICT=1)\n";
	else
		std::cerr << "SKIP: " << what << " is not available\n";
	std::cerr.flush();
	// exit(), not an exception: Boost.Test would report any exception as
	// a failure, and a skip must end the whole executable with 77.
	std::exit(strict ? 1 : kSkipStatus);
}

} // namespace tlog::test
