// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE support
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>

#include "support/files.hpp"
#include "support/skip.hpp"

using namespace tlog::test;

namespace {

// Runs the probe with TLOG_TESTS_STRICT set to @p strict (unset when
// empty); returns its exit status and its stderr.
std::pair<int, std::string> runProbe(const TempDir &dir, const std::string &strict)
{
	auto probe = buildRoot() / "tests" / "support" / "skip_probe";
	BOOST_REQUIRE_MESSAGE(std::filesystem::exists(probe), probe.string());
	auto err = dir / "stderr";
	std::string cmd = (strict.empty() ? std::string("env -u TLOG_TESTS_STRICT ")
					  : "env TLOG_TESTS_STRICT=" + strict + " ") +
			  "'" + probe.string() + "' >/dev/null 2>'" + err.string() + "'";
	int status = std::system(cmd.c_str());
	BOOST_REQUIRE(WIFEXITED(status));
	return {WEXITSTATUS(status), readFile(err)};
}

} // namespace

BOOST_AUTO_TEST_CASE(skip_exits_77)
{
	TempDir dir;
	auto [status, err] = runProbe(dir, "");
	BOOST_TEST(status == kSkipStatus);
	BOOST_TEST(err.find("SKIP: a service the probe never has is not available") !=
		       std::string::npos,
		   err);
	std::tie(status, err) = runProbe(dir, "0");
	BOOST_TEST(status == kSkipStatus);
}

BOOST_AUTO_TEST_CASE(strict_mode_fails)
{
	TempDir dir;
	auto [status, err] = runProbe(dir, "1");
	BOOST_TEST(status == 1);
	BOOST_TEST(err.find("FAIL: a service the probe never has is not available") !=
		       std::string::npos,
		   err);
}

BOOST_AUTO_TEST_CASE(temp_dir_and_files)
{
	std::filesystem::path kept;
	{
		TempDir dir;
		kept = dir.path();
		BOOST_TEST(std::filesystem::is_directory(kept));
		writeFile(dir / "a", std::string("x\0y", 3));
		BOOST_TEST(readFile(dir / "a") == std::string("x\0y", 3));
		std::filesystem::create_directory(dir / "sub");
		writeFile(dir / "sub" / "b", "b");
		TempDir moved(std::move(dir));
		BOOST_TEST(moved.path() == kept);
	}
	BOOST_TEST(!std::filesystem::exists(kept)); // removed with its contents
	BOOST_CHECK_THROW(readFile(kept / "a"), std::runtime_error);
	BOOST_CHECK_THROW(writeFile(kept / "x" / "y", "z"), std::runtime_error);
	BOOST_TEST(std::filesystem::exists(dataPath("README")));
}
