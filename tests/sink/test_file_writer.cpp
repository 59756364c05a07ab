// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE file_writer
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/files.hpp"
#include "support/skip.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/sink/file_writer.hpp"

using tlog::sink::FileWriter;

namespace {

// FileWriter(@p path) is refused with a message naming @p path and
// @p reason, and the file's content stays @p content.
void checkRefused(const std::string &path, const std::string &reason,
		  const std::string &content = "old\n")
{
	try {
		FileWriter w(path);
		w.write("new", {});
		BOOST_ERROR("appending to " << path << " was not refused (" << reason << ")");
	} catch (const std::runtime_error &e) {
		std::string what = e.what();
		BOOST_TEST_INFO("message: " << what);
		BOOST_TEST(what.find(path) != std::string::npos);
		BOOST_TEST(what.find(reason) != std::string::npos);
	}
	struct stat st {};
	if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
		BOOST_TEST(tlog::test::readFile(path) == content);
}

mode_t modeOf(const std::string &path)
{
	struct stat st {};
	BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
	return st.st_mode;
}

} // namespace

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

BOOST_AUTO_TEST_CASE(a_batch_is_written_whole_with_its_marks)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	tlog::sink::MessageFields plain{}, signedEnd{};
	signedEnd.signature = "c2ln";
	signedEnd.end = true;
	std::vector<tlog::sink::Outgoing> batch{
	    {R"({"id":1})", plain}, {R"({"id":2})", plain}, {R"({"id":3})", signedEnd}};
	std::size_t delivered = 0;
	FileWriter w(path);
	w.writeBatch(batch, delivered);
	BOOST_TEST(delivered == 3u);
	BOOST_TEST(tlog::test::readFile(path) ==
		   "{\"id\":1}\n{\"id\":2}\n" +
		       tlog::codec::withMarks(R"({"id":3})", "c2ln", true) + "\n");
}

BOOST_AUTO_TEST_CASE(a_full_file_keeps_the_whole_lines_of_a_batch)
{
	// The file size limit (RLIMIT_FSIZE) as a disk that fills: 20 bytes
	// take two 9-byte lines and 2 bytes of the third, which are cut off
	// again; the two count as delivered, and the error names the path.
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	FileWriter w(path);
	rlimit saved{};
	BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
	auto savedSignal = ::signal(SIGXFSZ, SIG_IGN);
	rlimit small = saved;
	small.rlim_cur = 20;
	BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
	std::vector<tlog::sink::Outgoing> batch{
	    {R"({"id":1})", {}}, {R"({"id":2})", {}}, {R"({"id":3})", {}}};
	std::size_t delivered = 0;
	std::string error;
	try {
		w.writeBatch(batch, delivered);
	} catch (const std::system_error &e) {
		error = e.what();
	}
	::setrlimit(RLIMIT_FSIZE, &saved);
	::signal(SIGXFSZ, savedSignal);
	BOOST_TEST(error.find(path) != std::string::npos, error);
	BOOST_TEST(delivered == 2u);
	BOOST_TEST(tlog::test::readFile(path) == "{\"id\":1}\n{\"id\":2}\n");
}

BOOST_AUTO_TEST_CASE(appends_to_an_existing_file)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "old\n");
	BOOST_REQUIRE(::chmod(path.c_str(), 0644) == 0);
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

BOOST_AUTO_TEST_CASE(appends_to_our_own_private_file)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	tlog::test::writeFile(path, "old\n");
	BOOST_REQUIRE(::chmod(path.c_str(), 0600) == 0);
	{
		FileWriter w(path);
		w.write("new", {});
	}
	BOOST_TEST(tlog::test::readFile(path) == "old\nnew\n");
	BOOST_TEST((modeOf(path) & 07777) == 0600u);
	// Group-writable is fine when the group is our own.
	BOOST_REQUIRE(::chown(path.c_str(), static_cast<uid_t>(-1), ::getegid()) == 0);
	BOOST_REQUIRE(::chmod(path.c_str(), 0660) == 0);
	{
		FileWriter w(path);
		w.write("more", {});
	}
	BOOST_TEST(tlog::test::readFile(path) == "old\nnew\nmore\n");
}

BOOST_AUTO_TEST_CASE(new_file_is_ours_with_mode_0600_whatever_the_umask)
{
	tlog::test::TempDir dir;
	auto path = (dir / "new.log").string();
	mode_t old = ::umask(0);
	{
		FileWriter w(path);
		w.write("x", {});
	}
	::umask(old);
	BOOST_TEST((modeOf(path) & 07777) == 0600u);
	struct stat st {};
	BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
	BOOST_TEST(st.st_uid == ::geteuid());
	BOOST_TEST(tlog::test::readFile(path) == "x\n");
}

BOOST_AUTO_TEST_CASE(symlink_is_refused)
{
	tlog::test::TempDir dir;
	// A link to a file of ours (root's .bashrc), and one to a name not
	// there yet (which would be created where the link points).
	auto target = (dir / "bashrc").string();
	tlog::test::writeFile(target, "old\n");
	BOOST_REQUIRE(::chmod(target.c_str(), 0600) == 0);
	auto link = (dir / "rec.log").string();
	BOOST_REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
	checkRefused(link, "it is a symbolic link");
	BOOST_TEST(tlog::test::readFile(target) == "old\n");

	auto dangling = (dir / "dangling.log").string();
	auto missing = (dir / "missing").string();
	BOOST_REQUIRE(::symlink(missing.c_str(), dangling.c_str()) == 0);
	checkRefused(dangling, "it is a symbolic link");
	BOOST_TEST(::access(missing.c_str(), F_OK) != 0);
}

BOOST_AUTO_TEST_CASE(fifo_is_refused_without_waiting_for_a_reader)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	BOOST_REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
	// Nobody reads: opening it for writing would block.
	checkRefused(path, "it is not a regular file (a FIFO)");
	// Someone reads: it would take the recording.
	tlog::base::UniqueFd reader(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
	BOOST_REQUIRE(reader);
	checkRefused(path, "it is not a regular file (a FIFO)");
	char byte;
	BOOST_TEST(::read(reader.get(), &byte, 1) == 0);
}

BOOST_AUTO_TEST_CASE(directory_is_refused)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	BOOST_REQUIRE(::mkdir(path.c_str(), 0700) == 0);
	checkRefused(path, "it is not a regular file (a directory)");
}

BOOST_AUTO_TEST_CASE(file_writable_by_others_is_refused)
{
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	tlog::test::writeFile(path, "old\n");
	BOOST_REQUIRE(::chmod(path.c_str(), 0666) == 0);
	checkRefused(path, "it is writable by others (mode 0666)");
	BOOST_TEST((modeOf(path) & 07777) == 0666u);
	BOOST_REQUIRE(::chmod(path.c_str(), 0602) == 0);
	checkRefused(path, "it is writable by others (mode 0602)");
}

BOOST_AUTO_TEST_CASE(second_hard_link_is_refused)
{
	tlog::test::TempDir dir;
	auto target = (dir / "bashrc").string();
	tlog::test::writeFile(target, "old\n");
	BOOST_REQUIRE(::chmod(target.c_str(), 0600) == 0);
	auto path = (dir / "rec.log").string();
	BOOST_REQUIRE(::link(target.c_str(), path.c_str()) == 0);
	checkRefused(path, "it has 2 hard links");
	BOOST_TEST(tlog::test::readFile(target) == "old\n");
}

BOOST_AUTO_TEST_CASE(character_device_is_accepted)
{
	// Only root makes device nodes: /dev/null is no planted trap.
	FileWriter w("/dev/null");
	w.write("x", {});
	w.flush();
}

BOOST_AUTO_TEST_SUITE_END()

// Files of another owner or group need root to make (chown). Disabled
// here, so that test_sink runs without root; the Meson test
// test_sink_file_owner runs this suite alone (--run_test), and skips it
// without root.
BOOST_AUTO_TEST_SUITE(file_writer_owner, *boost::unit_test::disabled())

BOOST_AUTO_TEST_CASE(file_of_another_owner_is_refused)
{
	tlog::test::requireOrSkip(::geteuid() == 0, "root (to chown a file to another user)");
	tlog::test::TempDir dir;
	auto path = (dir / "rec.log").string();
	tlog::test::writeFile(path, "old\n");
	BOOST_REQUIRE(::chmod(path.c_str(), 0600) == 0);
	BOOST_REQUIRE(::chown(path.c_str(), 1001, 1001) == 0);
	checkRefused(path, "it is owned by uid 1001, not by this user (uid 0)");

	// Ours again, but group-writable by a group that is not ours.
	BOOST_REQUIRE(::chown(path.c_str(), 0, 1001) == 0);
	BOOST_REQUIRE(::chmod(path.c_str(), 0660) == 0);
	checkRefused(path, "it is writable by group 1001 (mode 0660)");
}

BOOST_AUTO_TEST_SUITE_END()
