// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <string_view>

namespace tlog::base {

/// The one error policy of the programs' main(): runs @p body and returns
/// its exit status, or maps what it throws to one, by type: a UsageError
/// is logged (with its nested causes) with the "--help" hint and gives 2;
/// any other exception is logged, followed by @p failureNote when that is
/// not empty, and gives 1. Nothing escapes.
int runMain(const std::function<int()> &body, std::string_view failureNote = {}) noexcept;

} // namespace tlog::base
