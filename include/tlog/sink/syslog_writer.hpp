// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "tlog/base/unique_fd.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// The default syslog socket.
inline constexpr std::string_view kSyslogSocket = "/dev/log";

/// The syslog facility names ("authpriv", "local0", ...) in config order.
const std::vector<std::string> &syslogFacilityNames();
/// The syslog priority names, "emerg" (0) to "debug" (7).
const std::vector<std::string> &syslogPriorityNames();
/// The code of facility @p name (already shifted: authpriv = 10 << 3).
/// Throws: std::invalid_argument for an unknown name.
int syslogFacility(std::string_view name);
/// The code of priority @p name (info = 6).
/// Throws: std::invalid_argument for an unknown name.
int syslogPriority(std::string_view name);

/// Sends each message as one RFC 3164 datagram
/// "<PRI>Mmm dd hh:mm:ss tlog[PID]: MESSAGE" to the syslog socket.
/// It talks to the socket itself instead of using syslog(3), which drops
/// messages silently when the socket is missing: here a message that
/// cannot be delivered is an error.
class SyslogWriter final : public Writer {
public:
	/// The syslog writer's settings (the "syslog" keys), as names.
	struct Options {
		std::string facility = "authpriv";
		std::string priority = "info";
		std::string socket = std::string(kSyslogSocket); ///< the daemon's datagram socket
	};

	/// Connects to the datagram socket at @p socketPath. @p facility and
	/// @p priority are names as in syslogFacilityNames(). @p retryFor
	/// bounds how long a full socket buffer is waited for.
	/// Throws: std::invalid_argument for a bad name; std::system_error
	/// naming the socket when it cannot be connected to.
	SyslogWriter(std::string_view facility, std::string_view priority,
		     std::string socketPath = std::string(kSyslogSocket),
		     std::chrono::milliseconds retryFor = std::chrono::seconds(10));

	/// Throws: std::system_error naming the socket.
	void write(std::string_view message, const MessageFields &fields) override;

private:
	void connect();

	std::string socketPath_;
	int pri_;
	pid_t pid_;
	std::chrono::milliseconds retryFor_;
	base::UniqueFd fd_;
	std::string datagram_;
};

} // namespace tlog::sink
