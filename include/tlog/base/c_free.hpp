// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>

namespace tlog::base {

/// Stateless deleter calling a C library's release function, so that
/// `std::unique_ptr<T, CFree<fn>>` stays pointer-sized.
template <auto Fn> struct CFree {
	template <typename T> void operator()(T *p) const noexcept
	{
		if (p != nullptr)
			Fn(p);
	}
};

} // namespace tlog::base
