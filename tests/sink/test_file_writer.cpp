// SPDX-License-Identifier: GPL-2.0-or-later
#include <boost/test/unit_test.hpp>

#include <string>
#include <system_error>

#include <sys/stat.h>

#include "support/files.hpp"
#include "tlog/sink/file_writer.hpp"

using tlog::sink::FileWriter;

BOOST_AUTO_TEST_SUITE(file_writer)

BOOST_AUTO_TEST_CASE(creates_private_file_with_one_line_per_message)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	{
		FileWriter w(path);
		w.write(R"({"id":1})", {});
		w.write(R"({"id":2})", {});
		w.flush();
	}
	BOOST_TEST(tlog::test::readFile(path) == "{\"id\":1}\n{\"id\":2}\n");
	struct stat st {};
	BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
	BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(appends_to_an_existing_file)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "old\n");
	::chmod(path.c_str(), 0644);
	{
		FileWriter w(path.string());
		w.write("new", {});
	}
	BOOST_TEST(tlog::test::readFile(path) == "old\nnew\n");
	struct stat st {};
	BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
	// An existing file keeps its mode.
	BOOST_TEST((st.st_mode & 0777) == 0644u);
}

BOOST_AUTO_TEST_CASE(unwritable_path_names_the_path)
{
	tlog::test::TempDir dir;
	auto path = (dir / "no-such-dir" / "rec.log").string();
	try {
		FileWriter w(path);
		BOOST_FAIL("opening a file in a missing directory succeeded");
	} catch (const std::system_error &e) {
		BOOST_TEST(std::string(e.what()).find(path) != std::string::npos);
		BOOST_TEST(e.code().value() == ENOENT);
	}
}

BOOST_AUTO_TEST_CASE(write_error_names_the_path)
{
	// /dev/full takes the open and fails every write with ENOSPC.
	FileWriter w("/dev/full");
	try {
		w.write("x", {});
		BOOST_FAIL("writing to /dev/full succeeded");
	} catch (const std::system_error &e) {
		BOOST_TEST(std::string(e.what()).find("/dev/full") != std::string::npos);
		BOOST_TEST(e.code().value() == ENOSPC);
	}
}

BOOST_AUTO_TEST_SUITE_END()
