// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>

namespace tlog::base {

/// Monotonic time point in nanoseconds; the codec only sees differences.
using Timestamp = std::chrono::nanoseconds;

/// CLOCK_MONOTONIC now.
Timestamp monotonicNow() noexcept;

/// CLOCK_REALTIME now, since the epoch.
Timestamp realtimeNow() noexcept;

} // namespace tlog::base
