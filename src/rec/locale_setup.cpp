// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/locale_setup.hpp"

#include <clocale>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include <langinfo.h>

namespace tlog::rec {

namespace {

bool isLocaleVariable(std::string_view name) noexcept
{
	return name == "LANG" || name == "LANGUAGE" || name.substr(0, 3) == "LC_";
}

bool hasLocale() noexcept
{
	for (const char *name : {"LC_ALL", "LC_CTYPE", "LANG"})
		if (const char *v = std::getenv(name); v != nullptr && *v != '\0')
			return true;
	return false;
}

std::string_view trim(std::string_view s) noexcept
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

} // namespace

std::vector<std::pair<std::string, std::string>> readLocaleFile(const std::string &path)
{
	std::vector<std::pair<std::string, std::string>> vars;
	std::ifstream in(path);
	std::string line;
	while (std::getline(in, line)) {
		std::string_view l = trim(line);
		if (l.substr(0, 7) == "export ")
			l = trim(l.substr(7));
		if (l.empty() || l.front() == '#')
			continue;
		auto eq = l.find('=');
		if (eq == std::string_view::npos)
			continue;
		std::string_view name = trim(l.substr(0, eq));
		std::string_view value = trim(l.substr(eq + 1));
		if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
		    value.back() == value.front())
			value = value.substr(1, value.size() - 2);
		if (isLocaleVariable(name) && !value.empty())
			vars.emplace_back(name, value);
	}
	return vars;
}

std::string setupLocale(const std::vector<std::string> &files)
{
	if (!hasLocale()) {
		for (auto &file : files) {
			auto vars = readLocaleFile(file);
			if (vars.empty())
				continue;
			for (auto &[name, value] : vars)
				::setenv(name.c_str(), value.c_str(), 1);
			break;
		}
	}
	const char *kept = " is not UTF-8: recording it all the same (output that is not "
			   "UTF-8 is kept byte for byte as binary; set LANG, e.g. LANG=C.UTF-8, "
			   "or write it to /etc/locale.conf)";
	const char *name = std::setlocale(LC_ALL, "");
	if (name == nullptr) {
		std::setlocale(LC_ALL, "C");
		return "warning: the locale the environment names is not available, and C" +
		       std::string(kept);
	}
	std::string_view charset = ::nl_langinfo(CODESET);
	if (charset != "UTF-8")
		return "warning: locale " + std::string(name) + " (charset " +
		       std::string(charset) + ")" + kept;
	return {};
}

} // namespace tlog::rec
