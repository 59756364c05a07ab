// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/error.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include "tlog/base/utf8.hpp"

namespace tlog::base {

void throwErrno(std::string_view what)
{
	throwSystem(errno, what);
}

void throwSystem(int code, std::string_view what)
{
	throw std::system_error(code, std::system_category(), std::string(what));
}

std::string printable(std::string_view text)
{
	constexpr std::size_t kMaxShown = 200;
	static constexpr char kHex[] = "0123456789abcdef";
	std::string out;
	auto p = reinterpret_cast<const unsigned char *>(text.data());
	std::size_t i = 0;
	while (i < text.size() && i < kMaxShown) {
		auto unit = utf8::next(p + i, text.size() - i);
		bool valid = unit.kind == utf8::Kind::Valid;
		// C0 and DEL, and the C1 controls (U+0080-U+009F) too.
		bool control =
		    p[i] < 0x20 || p[i] == 0x7f || (valid && p[i] == 0xc2 && p[i + 1] < 0xa0);
		std::size_t n = valid ? unit.length : 1;
		if (valid && !control) {
			out.append(text, i, n);
		} else {
			for (std::size_t k = i; k < i + n; k++) {
				out += "\\x";
				out += kHex[p[k] >> 4];
				out += kHex[p[k] & 15];
			}
		}
		i += n;
	}
	if (i < text.size())
		out += "...";
	return out;
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
