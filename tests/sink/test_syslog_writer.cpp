// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE syslog_writer
#include <boost/test/unit_test.hpp>

#include <regex>
#include <stdexcept>
#include <string>
#include <system_error>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/files.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/sink/syslog_writer.hpp"

using tlog::sink::SyslogWriter;

namespace {

/// A datagram socket bound at a path, standing in for /dev/log.
tlog::base::UniqueFd bindSocket(const std::string &path)
{
	tlog::base::UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	BOOST_REQUIRE(fd.valid());
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
	BOOST_REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
	return fd;
}

std::string receive(int fd)
{
	char buf[65536];
	auto n = ::recv(fd, buf, sizeof(buf), 0);
	BOOST_REQUIRE(n >= 0);
	return std::string(buf, static_cast<std::size_t>(n));
}

} // namespace

BOOST_AUTO_TEST_SUITE(syslog_writer)

BOOST_AUTO_TEST_CASE(names_map_to_codes)
{
	BOOST_TEST(tlog::sink::syslogFacility("authpriv") == (10 << 3));
	BOOST_TEST(tlog::sink::syslogFacility("local7") == (23 << 3));
	BOOST_TEST(tlog::sink::syslogPriority("info") == 6);
	BOOST_TEST(tlog::sink::syslogPriority("emerg") == 0);
	BOOST_CHECK_THROW(tlog::sink::syslogFacility("nope"), std::invalid_argument);
	BOOST_CHECK_THROW(tlog::sink::syslogPriority("loud"), std::invalid_argument);
	BOOST_TEST(tlog::sink::syslogFacilityNames().size() == 20u);
	BOOST_TEST(tlog::sink::syslogPriorityNames().size() == 8u);
}

BOOST_AUTO_TEST_CASE(sends_rfc3164_datagrams)
{
	tlog::test::TempDir dir;
	auto path = (dir / "log").string();
	auto server = bindSocket(path);
	SyslogWriter w("authpriv", "info", path);
	w.write(R"({"ver":"2.3","id":1})", {});
	w.write(R"({"ver":"2.3","id":2})", {});
	auto first = receive(server.get());
	std::regex format(R"(<86>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d )"
			  R"(\d\d:\d\d:\d\d tlog\[(\d+)\]: \{"ver":"2\.3","id":1\})");
	std::smatch m;
	BOOST_TEST(std::regex_match(first, m, format), first);
	BOOST_TEST(m[2].str() == std::to_string(::getpid()));
	auto second = receive(server.get());
	BOOST_TEST(second.ends_with(R"(: {"ver":"2.3","id":2})"));
}

BOOST_AUTO_TEST_CASE(facility_and_priority_from_config)
{
	tlog::test::TempDir dir;
	auto path = (dir / "log").string();
	auto server = bindSocket(path);
	SyslogWriter w("local3", "notice", path);
	w.write("{}", {});
	// local3 = 19, notice = 5: 19 * 8 + 5.
	BOOST_TEST(receive(server.get()).starts_with("<157>"));
}

BOOST_AUTO_TEST_CASE(missing_socket_is_a_clear_error)
{
	tlog::test::TempDir dir;
	auto path = (dir / "log").string();
	try {
		SyslogWriter w("authpriv", "info", path);
		BOOST_FAIL("connecting to a missing socket succeeded");
	} catch (const std::system_error &e) {
		std::string what = e.what();
		BOOST_TEST(what.find(path) != std::string::npos, what);
		BOOST_TEST(what.find("syslog") != std::string::npos, what);
	}
}

BOOST_AUTO_TEST_CASE(default_socket_is_dev_log)
{
	BOOST_TEST(tlog::sink::kSyslogSocket == "/dev/log");
	if (::access("/dev/log", F_OK) != 0) {
		try {
			SyslogWriter w("authpriv", "info");
			BOOST_FAIL("connecting to a missing /dev/log succeeded");
		} catch (const std::system_error &e) {
			BOOST_TEST(std::string(e.what()).find("/dev/log") != std::string::npos);
		}
	}
}

BOOST_AUTO_TEST_CASE(daemon_gone_after_connect_is_an_error)
{
	tlog::test::TempDir dir;
	auto path = (dir / "log").string();
	auto server = bindSocket(path);
	SyslogWriter w("authpriv", "info", path);
	server.reset();
	::unlink(path.c_str());
	BOOST_CHECK_THROW(w.write("{}", {}), std::system_error);
}

BOOST_AUTO_TEST_CASE(full_socket_gives_up_after_waiting)
{
	tlog::test::TempDir dir;
	auto path = (dir / "log").string();
	auto server = bindSocket(path);
	SyslogWriter w("authpriv", "info", path, std::chrono::milliseconds(200));
	// Nobody reads: the queue fills, then the writer waits and gives up.
	std::string big(4000, 'x');
	bool failed = false;
	for (int i = 0; i < 100000 && !failed; i++) {
		try {
			w.write(big, {});
		} catch (const std::system_error &e) {
			failed = true;
			BOOST_TEST(std::string(e.what()).find("gave up") != std::string::npos,
				   e.what());
		}
	}
	BOOST_TEST(failed);
}

BOOST_AUTO_TEST_SUITE_END()
