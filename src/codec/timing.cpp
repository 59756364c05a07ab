// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/timing.hpp"

#include <cctype>
#include <string>

#include "tlog/base/error.hpp"

namespace tlog::codec {

namespace {

// Largest count or delay accepted: far beyond any real recording, small
// enough that sums of them cannot overflow.
constexpr std::uint64_t kMaxNumber = 1ull << 53;

[[noreturn]] void bad(std::string_view what, std::size_t offset)
{
	throw base::FormatError(std::string(what) + " at offset " + std::to_string(offset));
}

class Parser {
public:
	explicit Parser(std::string_view text) : text_(text) {}

	bool atEnd()
	{
		while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
			pos_++;
		return pos_ >= text_.size();
	}
	char take() { return text_[pos_++]; }
	std::size_t pos() const { return pos_; }

	std::uint64_t number()
	{
		std::size_t start = pos_;
		std::uint64_t v = 0;
		while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
			v = v * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
			if (v > kMaxNumber)
				bad("number too large", start);
			pos_++;
		}
		if (pos_ == start)
			bad("expected a number", start);
		return v;
	}
	void expect(char c)
	{
		if (pos_ >= text_.size() || text_[pos_] != c)
			bad(std::string("expected '") + c + "'", pos_);
		pos_++;
	}

private:
	std::string_view text_;
	std::size_t pos_ = 0;
};

} // namespace

std::vector<TimingRecord> parseTiming(std::string_view timing)
{
	using Kind = TimingRecord::Kind;
	std::vector<TimingRecord> records;
	Parser p(timing);
	while (!p.atEnd()) {
		std::size_t at = p.pos();
		char c = p.take();
		TimingRecord r{Kind::Delay};
		switch (c) {
		case '+':
			r = {Kind::Delay, p.number()};
			break;
		case '<':
			r = {Kind::InText, p.number()};
			break;
		case '>':
			r = {Kind::OutText, p.number()};
			break;
		case '[':
		case ']': {
			auto chars = p.number();
			p.expect('/');
			r = {c == '[' ? Kind::InBinary : Kind::OutBinary, chars, p.number()};
			break;
		}
		case '=': {
			auto cols = p.number();
			p.expect('x');
			auto rows = p.number();
			if (cols > 65535 || rows > 65535)
				bad("window size beyond 65535", at);
			r = {Kind::Window, cols, rows};
			break;
		}
		default: {
			static constexpr char kHex[] = "0123456789abcdef";
			auto u = static_cast<unsigned char>(c);
			std::string shown = std::isprint(u)
						? std::string(1, c)
						: std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
			bad("unexpected character '" + shown + "'", at);
		}
		}
		records.push_back(r);
	}
	return records;
}

} // namespace tlog::codec
