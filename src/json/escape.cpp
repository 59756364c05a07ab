// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/json/escape.hpp"

namespace tlog::json {

void appendEscaped(std::string &out, std::string_view text)
{
	static constexpr char kHex[] = "0123456789abcdef";
	std::size_t plain = 0; // start of the pending run of unescaped bytes
	for (std::size_t i = 0; i < text.size(); i++) {
		auto c = static_cast<unsigned char>(text[i]);
		if (escapedSize(c) == 1)
			continue;
		out.append(text.data() + plain, i - plain);
		plain = i + 1;
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\b':
			out += "\\b";
			break;
		case '\f':
			out += "\\f";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			out += "\\u00";
			out += kHex[c >> 4];
			out += kHex[c & 0xf];
		}
	}
	out.append(text.data() + plain, text.size() - plain);
}

} // namespace tlog::json
