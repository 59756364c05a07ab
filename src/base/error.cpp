// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/error.hpp"

#include <cerrno>
#include <string>
#include <system_error>

namespace tlog::base {

void throwErrno(std::string_view what)
{
	throwSystem(errno, what);
}

void throwSystem(int code, std::string_view what)
{
	throw std::system_error(code, std::system_category(), std::string(what));
}

std::string describe(const std::exception &e) noexcept
{
	try {
		std::string text = e.what();
		try {
			std::rethrow_if_nested(e);
		} catch (const std::exception &inner) {
			text += ": " + describe(inner);
		} catch (...) {
			text += ": unknown error";
		}
		return text;
	} catch (...) {
		return "out of memory while describing an error";
	}
}

std::string describeCurrent() noexcept
{
	try {
		throw;
	} catch (const std::exception &e) {
		return describe(e);
	} catch (...) {
		return "unknown error";
	}
}

} // namespace tlog::base
