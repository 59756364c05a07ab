// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <stdlib.h>

namespace tlog::test {

namespace {

std::filesystem::path fromEnv(const char *name)
{
	const char *v = std::getenv(name);
	return v != nullptr && *v != '\0' ? std::filesystem::path(v)
					  : std::filesystem::current_path();
}

} // namespace

TempDir::TempDir()
{
	const char *base = std::getenv("TMPDIR");
	std::string templ =
	    std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/tlog-test-XXXXXX";
	if (::mkdtemp(templ.data()) == nullptr)
		throw std::system_error(errno, std::system_category(), "mkdtemp " + templ);
	path_ = templ;
}

TempDir::TempDir(TempDir &&other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir::~TempDir()
{
	if (path_.empty())
		return;
	std::error_code ec; // best effort: a leftover directory is no failure
	std::filesystem::remove_all(path_, ec);
}

std::string readFile(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		throw std::runtime_error("cannot open " + path.string());
	std::ostringstream text;
	text << in.rdbuf();
	if (in.bad())
		throw std::runtime_error("cannot read " + path.string());
	return text.str();
}

void writeFile(const std::filesystem::path &path, std::string_view content)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	out.write(content.data(), static_cast<std::streamsize>(content.size()));
	out.close();
	if (!out)
		throw std::runtime_error("cannot write " + path.string());
}

std::filesystem::path sourceRoot()
{
	return fromEnv("TLOG_SOURCE_ROOT");
}

std::filesystem::path buildRoot()
{
	return fromEnv("TLOG_BUILD_ROOT");
}

std::filesystem::path dataPath(std::string_view name)
{
	return sourceRoot() / "tests" / "data" / name;
}

} // namespace tlog::test
