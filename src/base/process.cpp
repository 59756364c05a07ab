// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/base/process.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace tlog::base {

namespace {

template <typename T> bool parseNumber(std::string_view text, T &value, int base = 10) noexcept
{
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
	return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

} // namespace

std::optional<ProcessStat> processStat(pid_t pid) noexcept
{
	try {
		std::string path =
		    pid == 0 ? "/proc/self/stat" : "/proc/" + std::to_string(pid) + "/stat";
		std::ifstream in(path);
		std::string stat;
		if (!in || !std::getline(in, stat))
			return std::nullopt;
		// "PID (COMM) STATE PPID ...": the name may hold spaces and
		// parentheses, so the fields after it count from the last ')'.
		auto open = stat.find(" (");
		auto close = stat.rfind(')');
		if (open == std::string::npos || close == std::string::npos || close < open)
			return std::nullopt;
		ProcessStat s;
		if (!parseNumber(std::string_view(stat).substr(0, open), s.pid))
			return std::nullopt;
		s.comm = stat.substr(open + 2, close - open - 2);
		std::istringstream fields(stat.substr(close + 1));
		std::string field;
		for (int i = 3; i <= 22 && fields >> field; i++) {
			if (i == 4 && !parseNumber(std::string_view(field), s.ppid))
				return std::nullopt;
			if (i == 22 && parseNumber(std::string_view(field), s.startTime))
				return s;
		}
		return std::nullopt;
	} catch (...) {
		return std::nullopt;
	}
}

std::string bootId() noexcept
{
	try {
		std::ifstream in("/proc/sys/kernel/random/boot_id");
		std::string line, id;
		std::getline(in, line);
		for (char c : line)
			if (c != '-')
				id.push_back(c);
		return id;
	} catch (...) {
		return {};
	}
}

std::optional<RecordingIdParts> parseRecordingId(std::string_view rec) noexcept
{
	try {
		auto d1 = rec.find('-');
		auto d2 = d1 == std::string_view::npos ? d1 : rec.find('-', d1 + 1);
		if (d2 == std::string_view::npos || d1 != 32)
			return std::nullopt;
		RecordingIdParts parts;
		parts.boot = std::string(rec.substr(0, d1));
		for (char c : parts.boot)
			if (!std::isxdigit(static_cast<unsigned char>(c)))
				return std::nullopt;
		if (!parseNumber(rec.substr(d1 + 1, d2 - d1 - 1), parts.pid, 16) ||
		    parts.pid <= 0 || !parseNumber(rec.substr(d2 + 1), parts.startTime, 16))
			return std::nullopt;
		return parts;
	} catch (...) {
		return std::nullopt;
	}
}

} // namespace tlog::base
