// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/run_main.hpp"

#include <exception>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"

namespace tlog::base {

int runMain(const std::function<int()> &body, std::string_view failureNote) noexcept
{
	try {
		return body();
	} catch (const UsageError &e) {
		logLine(describe(e));
		logUsageHint();
		return 2;
	} catch (...) {
		logLine(describeCurrent());
		if (!failureNote.empty())
			logLine(failureNote);
		return 1;
	}
}

} // namespace tlog::base
