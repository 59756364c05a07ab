// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/utf8.hpp"

namespace tlog::base::utf8 {

bool isValid(std::string_view text) noexcept
{
	auto p = reinterpret_cast<const unsigned char *>(text.data());
	std::size_t n = text.size();
	for (std::size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i += 1 + asciiPrefix(text.substr(i + 1));
			continue;
		}
		Unit u = next(p + i, n - i);
		if (u.kind != Kind::Valid)
			return false;
		i += u.length;
	}
	return true;
}

std::size_t incompleteTail(std::string_view text) noexcept
{
	auto p = reinterpret_cast<const unsigned char *>(text.data());
	std::size_t n = text.size();
	// A lead byte among the last three, followed only by continuation
	// bytes that fit it.
	for (std::size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = p[n - k];
		if ((c & 0xC0) == 0x80)
			continue;
		return c >= 0xC0 && next(p + n - k, k).kind == Kind::Incomplete ? k : 0;
	}
	return 0;
}

std::string sanitize(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	auto p = reinterpret_cast<const unsigned char *>(text.data());
	std::size_t n = text.size();
	for (std::size_t i = 0; i < n;) {
		Unit u = next(p + i, n - i);
		if (u.kind == Kind::Valid)
			out.append(text.substr(i, u.length));
		else
			out.append(kReplacement);
		i += u.length;
	}
	return out;
}

} // namespace tlog::base::utf8
