// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/syslog_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tlog/base/clock.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/message.hpp"

namespace tlog::sink {

namespace {

struct Named {
	const char *name;
	int code;
};

// Facility codes from RFC 3164, section 4.1.1.
constexpr Named kFacilities[] = {
    {"auth", 4},    {"authpriv", 10}, {"cron", 9},    {"daemon", 3},  {"ftp", 11},
    {"kern", 0},    {"local0", 16},   {"local1", 17}, {"local2", 18}, {"local3", 19},
    {"local4", 20}, {"local5", 21},   {"local6", 22}, {"local7", 23}, {"lpr", 6},
    {"mail", 2},    {"news", 7},      {"syslog", 5},  {"user", 1},    {"uucp", 8},
};

constexpr Named kPriorities[] = {
    {"emerg", 0},   {"alert", 1},  {"crit", 2}, {"err", 3},
    {"warning", 4}, {"notice", 5}, {"info", 6}, {"debug", 7},
};

template <std::size_t N> std::vector<std::string> namesOf(const Named (&table)[N])
{
	std::vector<std::string> names;
	for (auto &n : table)
		names.emplace_back(n.name);
	return names;
}

template <std::size_t N>
int codeOf(const Named (&table)[N], std::string_view name, const char *what)
{
	for (auto &n : table)
		if (name == n.name)
			return n.code;
	throw std::invalid_argument("unknown syslog " + std::string(what) + " " +
				    base::quoted(name));
}

constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

} // namespace

const std::vector<std::string> &syslogFacilityNames()
{
	static const std::vector<std::string> names = namesOf(kFacilities);
	return names;
}

const std::vector<std::string> &syslogPriorityNames()
{
	static const std::vector<std::string> names = namesOf(kPriorities);
	return names;
}

int syslogFacility(std::string_view name)
{
	return codeOf(kFacilities, name, "facility") << 3;
}

int syslogPriority(std::string_view name)
{
	return codeOf(kPriorities, name, "priority");
}

SyslogWriter::SyslogWriter(std::string_view facility, std::string_view priority,
			   std::string socketPath, std::chrono::milliseconds retryFor)
    : socketPath_(std::move(socketPath)), pri_(syslogFacility(facility) | syslogPriority(priority)),
      pid_(::getpid()), retryFor_(retryFor)
{
	connect();
}

void SyslogWriter::connect()
{
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	if (socketPath_.size() >= sizeof(addr.sun_path))
		base::throwSystem(ENAMETOOLONG, "syslog socket " + socketPath_);
	socketPath_.copy(addr.sun_path, socketPath_.size());
	// Non-blocking: a daemon that stopped reading must not freeze the
	// recorded session; write() waits a bounded time instead.
	base::UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!fd)
		base::throwErrno("creating a socket for syslog");
	if (::connect(fd.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) < 0)
		base::throwErrno("connecting to the syslog socket " + socketPath_ +
				 " (is a syslog daemon running?)");
	fd_ = std::move(fd);
}

void SyslogWriter::write(std::string_view message, const MessageFields &fields)
{
	// RFC 3164 header: local time, day of month padded with a space.
	std::time_t now = std::time(nullptr);
	std::tm tm{};
	::localtime_r(&now, &tm);
	char head[64];
	int n = std::snprintf(head, sizeof(head), "<%d>%s %2d %02d:%02d:%02d tlog[%d]: ", pri_,
			      kMonths[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			      static_cast<int>(pid_));
	datagram_.assign(head, static_cast<std::size_t>(n));
	if (fields.signature.empty() && !fields.end)
		datagram_.append(message);
	else
		datagram_.append(codec::withMarks(message, fields.signature, fields.end));

	auto deadline = base::monotonicNow() + retryFor_;
	bool reconnected = false;
	for (;;) {
		if (::send(fd_.get(), datagram_.data(), datagram_.size(), MSG_NOSIGNAL) >= 0)
			return;
		int err = errno;
		if (err == EINTR)
			continue;
		if ((err == ECONNREFUSED || err == ENOTCONN) && !reconnected) {
			// The daemon restarted and made a new socket.
			reconnected = true;
			connect();
			continue;
		}
		if (err != ENOBUFS && err != EAGAIN)
			base::throwSystem(err, "sending to the syslog socket " + socketPath_);
		// The daemon is behind: wait for room, but not forever.
		auto left = deadline - base::monotonicNow();
		if (left.count() <= 0)
			base::throwSystem(err, "sending to the syslog socket " + socketPath_ +
						   " (gave up waiting for room)");
		// POLLOUT may already say "ready" on ENOBUFS: sleep a little instead.
		::poll(nullptr, 0, 10);
	}
}

} // namespace tlog::sink
