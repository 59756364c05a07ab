// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/envelope.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tlog/base/c_free.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/process.hpp"

namespace tlog::rec {

namespace {

using AddrInfoPtr = std::unique_ptr<addrinfo, base::CFree<::freeaddrinfo>>;

std::string hex(std::uint64_t value)
{
	char buf[24];
	auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, 16);
	(void)ec;
	return std::string(buf, end);
}

} // namespace

std::string hostName()
{
	char name[HOST_NAME_MAX + 1] = {};
	if (::gethostname(name, sizeof(name) - 1) < 0)
		return "localhost";
	addrinfo hints{};
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_CANONNAME;
	addrinfo *raw = nullptr;
	if (::getaddrinfo(name, nullptr, &hints, &raw) != 0)
		return name;
	AddrInfoPtr info(raw);
	if (info->ai_canonname != nullptr && *info->ai_canonname != '\0')
		return info->ai_canonname;
	return name;
}

std::string recordingId()
{
	std::string boot = base::bootId();
	if (boot.empty())
		throw std::runtime_error("cannot read /proc/sys/kernel/random/boot_id");
	auto self = base::processStat(0);
	if (!self)
		throw std::runtime_error("cannot read /proc/self/stat: no start time");
	return boot + "-" + hex(static_cast<std::uint64_t>(::getpid())) + "-" +
	       hex(self->startTime);
}

std::optional<std::uint32_t> auditSession() noexcept
{
	try {
		std::ifstream in("/proc/self/sessionid");
		std::uint64_t id = 0;
		if (!(in >> id) || id > 4294967295u)
			return std::nullopt;
		return static_cast<std::uint32_t>(id);
	} catch (...) {
		return std::nullopt;
	}
}

std::string userName()
{
	uid_t uid = ::getuid();
	long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
	std::vector<char> buf(size > 0 ? static_cast<std::size_t>(size) : 16384);
	passwd pw{};
	passwd *found = nullptr;
	int err;
	while ((err = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)) == ERANGE)
		buf.resize(buf.size() * 2);
	if (found == nullptr) {
		if (err != 0)
			base::throwSystem(err, "looking up user " + std::to_string(uid));
		throw std::runtime_error("user " + std::to_string(uid) + " has no name");
	}
	return pw.pw_name;
}

codec::Envelope makeEnvelope()
{
	codec::Envelope envelope;
	envelope.host = hostName();
	envelope.rec = recordingId();
	envelope.user = userName();
	const char *term = std::getenv("TERM");
	envelope.term = term != nullptr ? term : "";
	if (auto session = auditSession()) {
		envelope.session = *session;
	} else {
		base::logLine("warning: no audit session id in /proc/self/sessionid, "
			      "recording session 4294967295");
		envelope.session = codec::kNoSession;
	}
	return envelope;
}

} // namespace tlog::rec
