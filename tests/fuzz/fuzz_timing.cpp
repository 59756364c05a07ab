// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the timing-script parser. A script is refused with a
// FormatError that gives an offset inside it, or its records, written out
// again in the canonical form, parse to the same records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/timing.hpp"

using tlog::codec::TimingRecord;
using tlog::fuzz::fail;
using tlog::fuzz::require;

namespace {

constexpr std::uint64_t kMaxNumber = 1ull << 53; // as the parser documents it

std::string canonical(const std::vector<TimingRecord> &records)
{
	using Kind = TimingRecord::Kind;
	std::string out;
	for (const auto &r : records) {
		switch (r.kind) {
		case Kind::Delay:
			out += '+' + std::to_string(r.a);
			break;
		case Kind::InText:
			out += '<' + std::to_string(r.a);
			break;
		case Kind::OutText:
			out += '>' + std::to_string(r.a);
			break;
		case Kind::InBinary:
			out += '[' + std::to_string(r.a) + '/' + std::to_string(r.b);
			break;
		case Kind::OutBinary:
			out += ']' + std::to_string(r.a) + '/' + std::to_string(r.b);
			break;
		case Kind::Window:
			out += '=' + std::to_string(r.a) + 'x' + std::to_string(r.b);
			break;
		}
	}
	return out;
}

// "... at offset N" with N inside the script (or just past its end).
void checkError(const tlog::base::FormatError &e, std::string_view timing)
{
	std::string_view text = e.what();
	constexpr std::string_view kAt = " at offset ";
	auto at = text.rfind(kAt);
	require(at != std::string_view::npos, "error without an offset: " + std::string(text));
	std::uint64_t offset = 0;
	auto digits = text.substr(at + kAt.size());
	require(!digits.empty(), "error without an offset: " + std::string(text));
	for (char c : digits) {
		if (c < '0' || c > '9')
			fail("offset is not a number: " + std::string(text));
		offset = offset * 10 + static_cast<std::uint64_t>(c - '0');
		if (offset > timing.size())
			fail("offset past the end: " + std::string(text));
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view timing(reinterpret_cast<const char *>(data), size);
	std::vector<TimingRecord> records;
	try {
		records = tlog::codec::parseTiming(timing);
	} catch (const tlog::base::FormatError &e) {
		checkError(e, timing);
		return 0;
	}
	require(records.size() <= timing.size(), "more records than characters");
	for (const auto &r : records) {
		require(r.a <= kMaxNumber && r.b <= kMaxNumber, "a number beyond 2^53");
		if (r.kind == TimingRecord::Kind::Window)
			require(r.a <= 65535 && r.b <= 65535, "a window beyond 65535");
		else if (r.kind != TimingRecord::Kind::InBinary &&
			 r.kind != TimingRecord::Kind::OutBinary)
			require(r.b == 0, "a second number on a one-number record");
	}
	auto text = canonical(records);
	std::vector<TimingRecord> again;
	try {
		again = tlog::codec::parseTiming(text);
	} catch (const tlog::base::FormatError &e) {
		fail("canonical form \"" + text + "\" does not parse: " + e.what());
	}
	if (again != records)
		fail("canonical form \"" + text + "\" parses differently");
	return 0;
}
