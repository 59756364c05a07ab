// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE session
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/process.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/locale_setup.hpp"
#include "tlog/rec/session_command.hpp"
#include "tlog/rec/session_lock.hpp"

using namespace tlog;

namespace {

rec::SessionCommandLine parse(std::vector<std::string> args)
{
	std::vector<char *> argv;
	for (auto &a : args)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	return rec::parseSessionCommandLine(static_cast<int>(args.size()), argv.data());
}

conf::ConfigOrigin testOrigin()
{
	return conf::ConfigOrigin{"", "TLOG_TEST_SESSION_CONF_FILE", "TLOG_TEST_SESSION_CONF_TEXT"};
}

} // namespace

BOOST_AUTO_TEST_CASE(shell_from_program_name)
{
	BOOST_TEST(rec::shellFromProgramName("tlog-rec-session-shell-bin-zsh").value() ==
		   "/bin/zsh");
	BOOST_TEST(rec::shellFromProgramName("tlog-rec-session-shell-opt-my\\-sh").value() ==
		   "/opt/my-sh");
	BOOST_TEST(!rec::shellFromProgramName("tlog-rec-session").has_value());
}

BOOST_AUTO_TEST_CASE(login_dash_and_command)
{
	auto cl = parse({"-tlog-rec-session"});
	BOOST_TEST(cl.login);
	BOOST_TEST(cl.programName == "tlog-rec-session");
	auto sc = rec::shellCommand("/bin/bash", cl);
	BOOST_TEST(sc.exec0 == "-bash");
	BOOST_TEST((sc.argv == std::vector<std::string>{"/bin/bash"}));

	cl = parse({"/usr/bin/tlog-rec-session", "-c", "echo $0 $1", "name", "arg", "-x"});
	BOOST_TEST(!cl.login);
	sc = rec::shellCommand("/bin/sh", cl);
	BOOST_TEST(sc.exec0 == "/bin/sh");
	BOOST_TEST((sc.argv ==
		    std::vector<std::string>{"/bin/sh", "-c", "echo $0 $1", "name", "arg", "-x"}));

	cl = parse({"tlog-rec-session", "-l", "-i"});
	sc = rec::shellCommand("/bin/zsh", cl);
	BOOST_TEST(sc.exec0 == "-zsh");
	BOOST_TEST((sc.argv == std::vector<std::string>{"/bin/zsh", "-i"}));

	BOOST_CHECK_THROW(parse({"tlog-rec-session", "-c"}), base::UsageError);
	BOOST_CHECK_THROW(parse({"tlog-rec-session", "-x"}), base::UsageError);
}

BOOST_AUTO_TEST_CASE(shell_choice_order)
{
	auto cl = parse({"tlog-rec-session"});
	::unsetenv("TLOG_REC_SESSION_SHELL");
	BOOST_TEST(rec::chooseShell("/bin/sh", cl) == "/bin/sh");
	::setenv("TLOG_REC_SESSION_SHELL", "/bin/dash", 1);
	BOOST_TEST(rec::chooseShell("/bin/sh", cl) == "/bin/dash");
	cl = parse({"-tlog-rec-session-shell-bin-zsh"});
	BOOST_TEST(rec::chooseShell("/bin/sh", cl) == "/bin/zsh");
	::unsetenv("TLOG_REC_SESSION_SHELL");
}

BOOST_AUTO_TEST_CASE(session_defaults_fail_closed)
{
	conf::SessionConfig config;
	BOOST_TEST(config.rec.writer.type == "journal");
	BOOST_TEST(config.rec.writer.journal.failOnOverflow); // "fail"
	BOOST_TEST(config.shell == "/bin/bash");
	BOOST_TEST(config.notice == "\nATTENTION! Your session is being recorded!\n\n");
	config.shell = "bash";
	BOOST_CHECK_THROW(config.validate(), base::ConfigError);
}

BOOST_AUTO_TEST_CASE(user_settable_keys)
{
	for (const char *key : {"shell", "notice"})
		BOOST_TEST(conf::isUserSettableKey(key), key);
	for (const char *key : {"writer", "file", "syslog", "journal", "latency", "payload", "log",
				"limit", "shells", "notice.x", ""})
		BOOST_TEST(!conf::isUserSettableKey(key), key);
}

BOOST_AUTO_TEST_CASE(setid_environment_cannot_change_the_recording)
{
	test::TempDir dir;
	auto file = dir.path() / "user.conf";
	test::writeFile(file, R"({"journal": {"overflow": "delay"}, "latency": 3,
				  "notice": "hello"})");
	::setenv("TLOG_TEST_SESSION_CONF_FILE", file.c_str(), 1);
	::setenv("TLOG_TEST_SESSION_CONF_TEXT",
		 R"({"writer": "file", "file.path": "/tmp/x", "shell": "/bin/sh",
		     "log": {"output": false}, "limit": {"rate": 0, "action": "drop"}})",
		 1);

	std::vector<std::string> ignored;
	auto setId = conf::loadSessionConfig(testOrigin(), true, ignored);
	const conf::SessionConfig defaults;
	BOOST_TEST(conf::configurationJson(setId.rec) == conf::configurationJson(defaults.rec));
	BOOST_TEST(setId.shell == "/bin/sh");
	BOOST_TEST(setId.notice == "hello");
	const std::vector<std::string> expected = {
	    file.string() + ": journal",	   file.string() + ": latency",
	    "TLOG_TEST_SESSION_CONF_TEXT: writer", "TLOG_TEST_SESSION_CONF_TEXT: file.path",
	    "TLOG_TEST_SESSION_CONF_TEXT: log",	   "TLOG_TEST_SESSION_CONF_TEXT: limit"};
	BOOST_TEST(ignored == expected, boost::test_tools::per_element());

	ignored.clear();
	auto plain = conf::loadSessionConfig(testOrigin(), false, ignored);
	BOOST_TEST(plain.rec.writer.type == "file");
	BOOST_TEST(plain.rec.writer.file.path == "/tmp/x");
	BOOST_TEST(!plain.rec.writer.journal.failOnOverflow); // "delay"
	BOOST_TEST(plain.rec.latency == 3);
	BOOST_TEST(!plain.rec.logOutput);
	BOOST_TEST(ignored.empty());
	::unsetenv("TLOG_TEST_SESSION_CONF_FILE");
	::unsetenv("TLOG_TEST_SESSION_CONF_TEXT");
}

BOOST_AUTO_TEST_CASE(locale_file)
{
	test::TempDir dir;
	auto file = dir.path() / "locale.conf";
	test::writeFile(file, "# comment\nLANG=\"de_DE.UTF-8\"\n export LC_TIME='C'\nFOO=bar\n");
	auto vars = rec::readLocaleFile(file);
	BOOST_TEST(vars.size() == 2u);
	BOOST_TEST(vars.at(0).first == "LANG");
	BOOST_TEST(vars.at(0).second == "de_DE.UTF-8");
	BOOST_TEST(vars.at(1).first == "LC_TIME");
	BOOST_TEST(vars.at(1).second == "C");
	BOOST_TEST(rec::readLocaleFile(dir.path() / "missing").empty());
}

BOOST_AUTO_TEST_CASE(locale_from_file_when_environment_has_none)
{
	test::TempDir dir;
	auto file = dir.path() / "locale.conf";
	test::writeFile(file, "LANG=C.UTF-8\n");
	for (const char *v : {"LC_ALL", "LC_CTYPE", "LANG"})
		::unsetenv(v);
	BOOST_TEST(rec::setupLocale({(dir.path() / "missing").string(), file.string()}).empty());
	BOOST_TEST(std::string(std::getenv("LANG")) == "C.UTF-8");

	// Not UTF-8, or not there: a warning to show, never a refusal.
	::setenv("LANG", "C", 1);
	auto warning = rec::setupLocale({file.string()});
	BOOST_TEST(warning.find("locale C (charset ANSI_X3.4-1968) is not UTF-8") !=
		   std::string::npos);
	BOOST_TEST(std::string(std::getenv("LANG")) == "C");
	::setenv("LANG", "xx_NOWHERE.UTF-8", 1);
	BOOST_TEST(rec::setupLocale({}).find("not available") != std::string::npos);
	::setenv("LANG", "C.UTF-8", 1);
	BOOST_TEST(rec::setupLocale({}).empty());
}

BOOST_AUTO_TEST_CASE(lock_taken_busy_and_stale)
{
	test::TempDir dir;
	// A file left behind with no holder (a dead recorder) is taken over.
	test::writeFile(dir.path() / "session.42.lock", "");
	std::optional<rec::SessionLock> first;
	first.emplace(dir.path().string(), 42);
	BOOST_TEST((first->state() == rec::SessionLock::State::Taken));
	// Another open file description cannot get it while we hold it.
	rec::SessionLock second(dir.path().string(), 42);
	BOOST_TEST((second.state() == rec::SessionLock::State::Busy));
	rec::SessionLock other(dir.path().string(), 43);
	BOOST_TEST((other.state() == rec::SessionLock::State::Taken));
	first.reset();
	rec::SessionLock third(dir.path().string(), 42);
	BOOST_TEST((third.state() == rec::SessionLock::State::Taken));
	BOOST_CHECK_THROW(rec::SessionLock((dir.path() / "missing").string(), 1),
			  std::system_error);
}

BOOST_AUTO_TEST_CASE(lock_replaces_what_a_previous_holder_wrote)
{
	test::TempDir dir;
	test::writeFile(dir.path() / "session.5.lock", "pid 1 start 1 terminal 34816\n");
	rec::SessionLock lock(dir.path().string(), 5);
	BOOST_REQUIRE((lock.state() == rec::SessionLock::State::Taken));
	auto self = base::processStat(0);
	BOOST_REQUIRE(self.has_value());
	std::string mine =
	    "pid " + std::to_string(::getpid()) + " start " + std::to_string(self->startTime);
	BOOST_TEST(test::readFile(dir.path() / "session.5.lock") == mine + "\n");
	lock.noteTerminal(1234);
	BOOST_TEST(test::readFile(dir.path() / "session.5.lock") == mine + " terminal 1234\n");
}

namespace {

// Runs @p check in a child process (a descendant of this one) and
// returns what it returned.
bool inChild(const std::function<bool()> &check)
{
	pid_t pid = ::fork();
	if (pid == 0)
		::_exit(check() ? 0 : 1);
	int status = 0;
	BOOST_REQUIRE(pid > 0 && ::waitpid(pid, &status, 0) == pid);
	BOOST_REQUIRE(WIFEXITED(status));
	return WEXITSTATUS(status) == 0;
}

// While alive, this process carries the session recorder's name, which
// holderRecords() looks for.
class RecorderName {
public:
	RecorderName()
	{
		::prctl(PR_GET_NAME, saved_);
		::prctl(PR_SET_NAME, "tlog-rec-session");
	}
	~RecorderName() { ::prctl(PR_SET_NAME, saved_); }
	RecorderName(const RecorderName &) = delete;
	RecorderName &operator=(const RecorderName &) = delete;

private:
	char saved_[17] = {};
};

} // namespace

BOOST_AUTO_TEST_CASE(lock_tells_a_nested_login_from_another_terminal)
{
	test::TempDir dir;
	std::string lockDir = dir.path().string();
	base::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
	base::UniqueFd zero(::open("/dev/zero", O_RDONLY | O_CLOEXEC));
	base::UniqueFd file(
	    ::open((dir.path() / "plain").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
	BOOST_REQUIRE(null && zero && file);
	struct stat st {};
	BOOST_REQUIRE(::fstat(null.get(), &st) == 0);
	auto busyRecords = [&](std::initializer_list<int> fds) {
		rec::SessionLock busy(lockDir, 7);
		return busy.state() == rec::SessionLock::State::Busy && busy.holderRecords(fds);
	};

	RecorderName name;
	std::optional<rec::SessionLock> live(std::in_place, lockDir, 7);
	BOOST_REQUIRE((live->state() == rec::SessionLock::State::Taken));
	// No terminal noted yet: record.
	BOOST_TEST(!inChild([&] { return busyRecords({null.get()}); }));
	live->noteTerminal(st.st_rdev);
	// A descendant whose fds are all the noted terminal runs inside the
	// holder's recording.
	BOOST_TEST(inChild([&] { return busyRecords({null.get(), null.get(), null.get()}); }));
	// One fd elsewhere (another device, a file): not all of it is seen.
	BOOST_TEST(!inChild([&] { return busyRecords({null.get(), zero.get(), null.get()}); }));
	BOOST_TEST(!inChild([&] { return busyRecords({null.get(), file.get()}); }));
	// The holder itself is no ancestor of itself; nor is a holder that is
	// not our recorder by name.
	BOOST_TEST(!busyRecords({null.get()}));
	{
		char ours[17] = {};
		::prctl(PR_GET_NAME, ours);
		::prctl(PR_SET_NAME, "bash");
		BOOST_TEST(!inChild([&] { return busyRecords({null.get()}); }));
		::prctl(PR_SET_NAME, ours);
	}
	// Noted again (shorter or longer), the old text is gone.
	live->noteTerminal(st.st_rdev + 1000000);
	BOOST_TEST(!inChild([&] { return busyRecords({null.get()}); }));
	live->noteTerminal(st.st_rdev);
	BOOST_TEST(inChild([&] { return busyRecords({null.get()}); }));
	// A damaged note is not trusted.
	std::string note = test::readFile(dir.path() / "session.7.lock");
	test::writeFile(dir.path() / "session.7.lock", "terminal 12x\n");
	BOOST_TEST(!inChild([&] { return busyRecords({null.get()}); }));
	test::writeFile(dir.path() / "session.7.lock", note);
	BOOST_TEST(inChild([&] { return busyRecords({null.get()}); }));

	// The attack: the holder leaves; a process that is not our ancestor
	// takes the lock and writes no terminal of its own. Our ancestor's
	// old note, were it left in the file, must not count: the kernel
	// names the new holder.
	live.reset();
	int ready[2], done[2];
	BOOST_REQUIRE(::pipe(ready) == 0 && ::pipe(done) == 0);
	pid_t other = ::fork();
	if (other == 0) {
		base::UniqueFd fd(
		    ::open((dir.path() / "session.7.lock").c_str(), O_RDWR | O_CLOEXEC));
		bool locked = fd && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0;
		char c = locked ? '1' : '0';
		(void)!::write(ready[1], &c, 1);
		(void)!::read(done[0], &c, 1);
		::_exit(0);
	}
	char c = 0;
	BOOST_REQUIRE(::read(ready[0], &c, 1) == 1);
	BOOST_TEST(c == '1');
	test::writeFile(dir.path() / "session.7.lock", note); // ours, as if left behind
	BOOST_TEST(!inChild([&] { return busyRecords({null.get()}); }));
	(void)!::write(done[1], "x", 1);
	int status = 0;
	::waitpid(other, &status, 0);
	for (int fd : {ready[0], ready[1], done[0], done[1]})
		::close(fd);
}
