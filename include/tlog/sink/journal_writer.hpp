// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include <sys/uio.h>

#include "tlog/base/clock.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Sends each message as one journal entry: MESSAGE (the JSON), PRIORITY
/// and, with augment, SYSLOG_IDENTIFIER, TLOG_REC, TLOG_USER,
/// TLOG_SESSION, TLOG_ID and TLOG_HOST. Messages are expected within
/// kMaxMessage (maxMessageSize()): the recorder keeps them so.
///
/// While journald does not accept entries (restarting, stopped), or the
/// rate budget is spent, the messages are held in memory, in order, and
/// sent later (retryDeadline()/retry() from the caller's event loop);
/// each goes out exactly once, none is dropped. When the held bytes pass
/// the bound, the writer either blocks until they go out (the session
/// waits) or fails. The first failure, the pacing and the recovery are
/// reported on stderr.
///
/// Built only with the journal feature; ask the writer factory for one.
class JournalWriter final : public Writer {
public:
	/// The longest MESSAGE that every reader gets whole: journalctl's
	/// JSON output (without --all), which Cockpit's session player reads,
	/// shows a field of 4096 bytes or more, "MESSAGE=" included, as null.
	static constexpr std::size_t kMaxMessage = 4096 - 1 - (sizeof("MESSAGE=") - 1);

	struct Options {
		std::string priority = "info"; ///< a syslog priority name
		bool augment = true;
		std::string identifier = "tlog-rec"; ///< SYSLOG_IDENTIFIER
		std::size_t bufferBytes = 16 << 20;  ///< held while the journal is away
		bool failOnOverflow = false;	     ///< else block (delay)
		/// How long flush() at exit waits for the journal to come back.
		std::chrono::milliseconds exitWait{10000};
		/// journald drops what a unit (a service, a login session's
		/// scope) logs beyond its rate limit (RateLimitBurst per
		/// RateLimitIntervalSec, by default 10000 per 30 s, raised with
		/// the free disk space). The writer sends at most rateBurst
		/// entries in any rateInterval and holds the rest; 0 turns
		/// pacing off.
		std::size_t rateBurst = 8000;
		std::chrono::seconds rateInterval{30};
	};
	/// The transport: journald's native socket (JournalSocket) unless a
	/// test passes its own. Returns 0 or a negative errno.
	using SendFn = std::function<int(const iovec *, int)>;

	/// @p clock (borrowed) is what the pacing and the retries count and
	/// wait by.
	/// Throws: std::invalid_argument for an unknown priority.
	explicit JournalWriter(Options options, SendFn send = {},
			       base::Clock &clock = base::systemClock());
	~JournalWriter() override;

	/// Throws: std::system_error for an error retrying cannot cure (a
	/// message the journal rejects); std::runtime_error when the buffer
	/// is full and failOnOverflow is set.
	void write(std::string_view message, const MessageFields &fields) override;
	/// Connects to journald's socket and waits (a bounded while) until it
	/// takes an entry. A writer made with its own SendFn has nothing to
	/// check.
	/// Throws: std::system_error naming the socket and the reason.
	void checkReady() override;
	/// Waits until held messages went out: as long as the pacing takes
	/// (journald takes entries, none may be dropped), and up to exitWait
	/// while journald is away.
	/// Throws: std::runtime_error naming how many could not be delivered.
	void flush() override;
	std::optional<base::Timestamp> retryDeadline() const noexcept override;
	void retry() override;

	/// kMaxMessage.
	std::size_t maxMessageSize() const noexcept override { return kMaxMessage; }

	/// Messages held for a retry right now.
	std::size_t heldCount() const noexcept { return held_.size(); }

private:
	base::Clock &clock_;
	struct Held {
		std::string message;
		std::string rec, user, host;
		std::uint32_t session = 0;
		std::uint64_t id = 0;
		std::string signature;
		bool end = false;
	};
	int send(const Held &m);
	/// Sends one entry; the recorder's common case, without a copy.
	int send(std::string_view message, const MessageFields &fields);
	/// Sends held messages in order; true when none are left.
	bool drain();
	/// True when the rate budget allows one more entry now.
	bool mayPace(base::Timestamp now);
	/// Sending failed with the transient @p error: said once an outage.
	void noteOutage(int error);
	/// @p error 0 means held for pacing, not for a failure.
	void hold(std::string_view message, const MessageFields &fields, int error);
	void waitForRoom();

	Options options_;
	SendFn send_;
	std::function<void()> checkReady_; // with our own socket only
	std::string priorityField_;
	std::string identifierField_;
	std::deque<Held> held_;
	std::size_t heldBytes_ = 0;
	int lastError_ = 0;
	base::Timestamp failingSince_{};
	base::Timestamp nextRetry_{};
	std::chrono::milliseconds backoff_{50};
	std::deque<base::Timestamp> sent_; // times of the entries of the last rateInterval
	bool pacingSaid_ = false;	   // said once a recording, not each window
	bool waiting_ = false;		   // the session waits for room, said once
};

} // namespace tlog::sink
