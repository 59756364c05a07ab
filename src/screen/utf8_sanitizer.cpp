// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/screen/utf8_sanitizer.hpp"

#include <algorithm>

#include "tlog/base/utf8.hpp"

namespace tlog::screen {

std::string_view Utf8Sanitizer::take(std::string_view input, std::string &buffer)
{
	bool ascii = pending_.empty() && std::all_of(input.begin(), input.end(), [](char c) {
			     return static_cast<unsigned char>(c) < 0x80;
		     });
	if (ascii)
		return input;
	std::string joined = std::move(pending_);
	pending_.clear();
	joined.append(input);
	buffer.clear();
	auto p = reinterpret_cast<const unsigned char *>(joined.data());
	for (std::size_t i = 0; i < joined.size();) {
		auto unit = base::utf8::next(p + i, joined.size() - i);
		if (unit.kind == base::utf8::Kind::Incomplete) {
			pending_ = joined.substr(i);
			break;
		}
		// A C1 control (U+0080-U+009F) as a character: libvterm 0.1.4
		// prints it with width -1 and then writes outside its screen
		// (found by fuzzing, SIGSEGV): shown as U+FFFD.
		bool c1 = unit.kind == base::utf8::Kind::Valid && p[i] == 0xc2 && p[i + 1] < 0xa0;
		if (unit.kind == base::utf8::Kind::Valid && !c1)
			buffer.append(joined, i, unit.length);
		else
			buffer.append(base::utf8::kReplacement);
		i += unit.length;
	}
	return buffer;
}

} // namespace tlog::screen
