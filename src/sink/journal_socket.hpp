// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <string>

#include <sys/uio.h>

#include "tlog/base/unique_fd.hpp"

namespace tlog::sink {

/// journald's native protocol, spoken directly rather than through
/// sd_journal_sendv(), which reports success when the journal's socket
/// does not exist (ENOENT is swallowed: the entry is silently lost).
/// Here every failure is returned, so the writer can hold and retry.
/// The socket is connected and non-blocking: a full queue is waited out
/// with poll() for a bounded time (2 s; 20 ms after a wait ran out, until
/// a send gets through), then reported as EAGAIN, never a session frozen
/// for good.
class JournalSocket {
public:
	explicit JournalSocket(std::string path = "/run/systemd/journal/socket");

	/// Sends one entry of @p n "NAME=value" fields (values may hold any
	/// bytes; newlines are framed as the protocol says). An entry too big
	/// for a datagram goes in a sealed memfd, as sd-journal does.
	/// Returns 0 or a negative errno. Never throws.
	int send(const iovec *fields, int n) noexcept;

	/// Connects (when not connected) and waits until the socket takes a
	/// datagram, up to @p wait: a journald restarting at that moment is
	/// waited for. Returns 0 or a negative errno. Never throws.
	int probe(std::chrono::milliseconds wait) noexcept;

	const std::string &path() const noexcept { return path_; }

private:
	int connect() noexcept;
	/// Sends @p entry (or, with @p passFd, that fd alone), waiting for
	/// room in journald's queue. Returns 0 or a negative errno.
	int sendWaiting(const std::string &entry, int passFd) noexcept;
	int sendMemfd(const std::string &entry) noexcept;

	std::string path_;
	base::UniqueFd fd_;
	bool stalled_ = false; // the last wait for room ran out
};

} // namespace tlog::sink
