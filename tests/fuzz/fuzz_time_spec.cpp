// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: tlog-play's time texts. The input goes whole to
// parsePosition() (--goto, the "goto" key and the player's 'g' prompt)
// and to parseTimeSpec() (--since/--until). Either gives a UsageError
// that quotes the text, or a value that checks out: a position written
// back as seconds parses to itself, an epoch or offset is what it says.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/play/command_line.hpp"
#include "tlog/play/position.hpp"

using tlog::base::UsageError;
using tlog::fuzz::fail;
using tlog::fuzz::require;

namespace {

constexpr std::time_t kNow = 1795837685; // a fixed "now": results repeat

void requireQuoted(const UsageError &e, std::string_view text)
{
	std::string_view what = e.what();
	// The text as errors show values: control characters and NUL
	// escaped (a NUL would end what()), long texts cut.
	std::string quoted = tlog::base::quoted(text) + " ";
	if (what.substr(0, quoted.size()) != quoted)
		fail("error does not quote the text: " + std::string(what));
}

void fuzzPosition(std::string_view text)
{
	tlog::play::PlayPosition pos;
	try {
		pos = tlog::play::parsePosition(text);
	} catch (const UsageError &e) {
		requireQuoted(e, text);
		return;
	}
	if (pos.end)
		return;
	require(pos.time.count() >= 0, "a position before the start");
	// Written out as H:M:S.nanoseconds, it parses to the same position.
	auto ns = pos.time.count();
	auto s = ns / 1000000000;
	std::string digits = std::to_string(ns % 1000000000);
	std::string again = std::to_string(s / 3600) + ":" + std::to_string(s / 60 % 60) + ":" +
			    std::to_string(s % 60) + "." + std::string(9 - digits.size(), '0') +
			    digits;
	try {
		if (tlog::play::parsePosition(again) != pos)
			fail("\"" + again + "\" is not the position of \"" + std::string(text) +
			     "\"");
	} catch (const UsageError &e) {
		fail("\"" + again + "\" does not parse: " + e.what());
	}
}

// The number @p digits stands for, if it fits an int64.
bool number(std::string_view digits, std::int64_t &v)
{
	if (digits.empty() || digits.size() > 18)
		return false;
	v = 0;
	for (char c : digits) {
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	return true;
}

void fuzzTimeSpec(std::string_view text)
{
	std::int64_t t = 0;
	try {
		t = tlog::play::parseTimeSpec(text, kNow);
	} catch (const UsageError &e) {
		requireQuoted(e, text);
		return;
	}
	std::int64_t v = 0;
	if (text == "now")
		require(t == kNow, "now is not now");
	else if (number(text, v) || (text.substr(0, 1) == "@" && number(text.substr(1), v)))
		require(t == v, "an epoch that is not itself");
	else if (text.substr(0, 1) == "+")
		require(t >= kNow, "a time ahead that is in the past");
	else if (text.substr(0, 1) == "-")
		require(t <= kNow, "a time ago that is in the future");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	// Local times in UTC, whatever the machine says.
	::setenv("TZ", "UTC", 1);
	::tzset();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	fuzzPosition(text);
	fuzzTimeSpec(text);
	return 0;
}
