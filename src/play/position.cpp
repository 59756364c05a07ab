// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/position.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tlog/base/error.hpp"

namespace tlog::play {

namespace {

// The last whole second whose fractions all fit a Timestamp.
constexpr std::int64_t kMaxSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(base::Timestamp::max()).count() - 1;

// Digits of one part; more than 9 would only ever be a typo or an overflow.
bool parseDigits(std::string_view text, std::int64_t &value) noexcept
{
	if (text.size() > 9)
		return false;
	value = 0;
	for (char c : text) {
		if (c < '0' || c > '9')
			return false;
		value = value * 10 + (c - '0');
	}
	return true;
}

} // namespace

PlayPosition parsePosition(std::string_view text)
{
	if (text == "start")
		return {};
	if (text == "end")
		return PlayPosition{true, {}};
	auto bad = [&]() {
		return base::UsageError(base::quoted(text) +
					" is not a position: start, end or [[H:]M:]S[.f]");
	};
	if (text.empty())
		throw bad();

	std::string_view seconds = text, fraction;
	if (auto dot = text.find('.'); dot != std::string_view::npos) {
		seconds = text.substr(0, dot);
		fraction = text.substr(dot + 1);
		if (fraction.find_first_not_of("0123456789") != std::string_view::npos)
			throw bad();
		if (fraction.size() > 9)
			fraction = fraction.substr(0, 9);
	}
	std::vector<std::string_view> parts;
	for (std::size_t from = 0;;) {
		auto colon = seconds.find(':', from);
		parts.push_back(seconds.substr(from, colon - from));
		if (colon == std::string_view::npos)
			break;
		from = colon + 1;
	}
	if (parts.size() > 3)
		throw bad();

	std::int64_t total = 0;
	for (auto part : parts) {
		std::int64_t v = 0;
		if (!parseDigits(part, v))
			throw bad();
		total = total * 60 + v;
	}
	// Nine-digit hours or minutes do not fit a Timestamp in nanoseconds
	// (found by tests/fuzz): refuse them rather than overflow.
	if (total > kMaxSeconds)
		throw base::UsageError(base::quoted(text) + " is too far: at most " +
				       std::to_string(kMaxSeconds / 3600) + " hours");
	std::int64_t frac = 0;
	if (!parseDigits(fraction, frac))
		throw bad();
	for (auto i = fraction.size(); i < 9; i++)
		frac *= 10;
	return PlayPosition{false, std::chrono::seconds(total) + base::Timestamp(frac)};
}

std::string formatPosition(base::Timestamp ts)
{
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ts).count();
	char buf[48];
	std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld.%03lld",
		      static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
		      static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
	return buf;
}

std::string formatSeconds(base::Timestamp ts)
{
	std::string text = formatPosition(ts);
	text.resize(text.size() - 4);
	return text;
}

} // namespace tlog::play
