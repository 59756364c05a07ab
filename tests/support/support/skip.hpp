// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string_view>

namespace tlog::test {

/// Exit status that Meson reports as SKIP.
inline constexpr int kSkipStatus = 77;

/// True when TLOG_TESTS_STRICT=1: nothing may skip (CI).
bool strictMode() noexcept;

/// For a test that needs a service (/dev/ptmx, the journal, a network):
/// when @p available is false it prints "SKIP: WHAT" and ends the process
/// with status 77, so Meson reports the executable as skipped; with
/// TLOG_TESTS_STRICT=1 it prints "FAIL: WHAT is not available" and exits 1.
/// Call it at the start of the test case, before creating resources.
void requireOrSkip(bool available, std::string_view what);

} // namespace tlog::test
