// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/journal_writer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "journal_socket.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/sink/syslog_writer.hpp"

namespace tlog::sink {

namespace {

constexpr std::chrono::milliseconds kMaxBackoff{2000};
// How long checkReady() waits for journald (restarting, or its queue full).
constexpr std::chrono::milliseconds kReadyWait{3000};

// Errors that mean "the journal is not there right now": retrying helps.
bool isTransient(int error) noexcept
{
	switch (error) {
	case ECONNREFUSED:
	case ENOENT:
	case EAGAIN:
	case ENOBUFS:
	case ENOTCONN:
	case ECONNRESET:
	case EPIPE:
	case ENOMEM:
		return true;
	default:
		return false;
	}
}

std::string seconds(base::Timestamp t)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.1f s", std::chrono::duration<double>(t).count());
	return buf;
}

// "message 5 is lost", "messages 5-9 are lost".
std::string lostMessages(std::uint64_t first, std::uint64_t last)
{
	return first == last
		   ? "message " + std::to_string(first) + " is lost"
		   : "messages " + std::to_string(first) + "-" + std::to_string(last) + " are lost";
}

} // namespace

JournalWriter::JournalWriter(Options options, SendFn send, base::Clock &clock)
    : clock_(clock), options_(std::move(options)), send_(std::move(send)),
      priorityField_("PRIORITY=" + std::to_string(syslogPriority(options_.priority))),
      identifierField_("SYSLOG_IDENTIFIER=" + options_.identifier)
{
	if (!send_) {
		auto socket = std::make_shared<JournalSocket>();
		send_ = [socket](const iovec *iov, int n) { return socket->send(iov, n); };
		checkReady_ = [socket] {
			if (int r = socket->probe(kReadyWait); r < 0)
				base::throwSystem(-r, "cannot log to the journal: its socket " +
							  socket->path());
		};
	}
}

void JournalWriter::checkReady()
{
	if (checkReady_)
		checkReady_();
}

JournalWriter::~JournalWriter()
{
	if (!held_.empty())
		base::logLine("the journal never took " + std::to_string(held_.size()) +
			      " messages of this recording: they are lost");
}

int JournalWriter::send(const Held &m)
{
	return send(m.message,
		    MessageFields{m.host, m.rec, m.user, m.session, m.id, m.signature, m.end});
}

int JournalWriter::send(std::string_view message, const MessageFields &m)
{
	std::string msg = "MESSAGE=";
	msg.append(message);
	std::array<std::string, 6> extra;
	std::array<iovec, 10> iov{};
	int n = 0;
	auto add = [&](const std::string &s) {
		iov[static_cast<std::size_t>(n)].iov_base = const_cast<char *>(s.data());
		iov[static_cast<std::size_t>(n)].iov_len = s.size();
		n++;
	};
	add(msg);
	add(priorityField_);
	if (options_.augment) {
		// The reference's fields, by which Cockpit groups recordings,
		// plus the host and the program name.
		add(identifierField_);
		extra[0] = "TLOG_REC=" + std::string(m.rec);
		extra[1] = "TLOG_USER=" + std::string(m.user);
		extra[2] = "TLOG_SESSION=" + std::to_string(m.session);
		extra[3] = "TLOG_ID=" + std::to_string(m.id);
		extra[4] = "TLOG_HOST=" + std::string(m.host);
		for (std::size_t i = 0; i < 5; i++)
			add(extra[i]);
	}
	// The marks travel beside MESSAGE, which stays v2.3 as it is.
	if (!m.signature.empty()) {
		extra[5] = "TLOG_SIG=" + std::string(m.signature);
		add(extra[5]);
	}
	static const std::string endField = "TLOG_END=1";
	if (m.end)
		add(endField);
	return send_(iov.data(), n);
}

bool JournalWriter::mayPace(base::Timestamp now)
{
	if (options_.rateBurst == 0)
		return true;
	auto window = std::chrono::duration_cast<base::Timestamp>(options_.rateInterval);
	while (!sent_.empty() && sent_.front() <= now - window)
		sent_.pop_front();
	if (sent_.size() < options_.rateBurst)
		return true;
	nextRetry_ = sent_.front() + window;
	return false;
}

bool JournalWriter::drain()
{
	while (!held_.empty()) {
		auto now = clock_.monotonic();
		if (!mayPace(now))
			return false;
		int r = send(held_.front());
		if (r < 0) {
			if (!isTransient(-r))
				base::throwSystem(-r, "sending to the journal");
			// Held for pacing when journald went away: say so now.
			noteOutage(-r);
			nextRetry_ = clock_.monotonic() + backoff_;
			backoff_ = std::min(backoff_ * 2, kMaxBackoff);
			return false;
		}
		if (options_.rateBurst != 0)
			sent_.push_back(now);
		heldBytes_ -= held_.front().message.size();
		held_.pop_front();
		if (held_.empty()) {
			if (lastError_ != 0)
				base::logLine("the journal is back after " +
					      seconds(clock_.monotonic() - failingSince_) +
					      "; every held message is delivered");
			backoff_ = std::chrono::milliseconds(50);
			lastError_ = 0;
			waiting_ = false;
		}
	}
	return true;
}

void JournalWriter::noteOutage(int error)
{
	if (lastError_ == 0)
		base::logLine("the journal does not accept messages (" +
			      std::string(std::strerror(error)) +
			      "); holding them in memory, up to " +
			      std::to_string(options_.bufferBytes) + " bytes, and retrying");
	lastError_ = error;
}

void JournalWriter::hold(std::string_view message, const MessageFields &fields, int error)
{
	if (held_.empty())
		failingSince_ = clock_.monotonic();
	if (error != 0 && lastError_ == 0)
		nextRetry_ = clock_.monotonic() + backoff_;
	if (error == 0 && !pacingSaid_)
		base::logLine("pacing messages to stay within journald's rate limit (" +
			      std::to_string(options_.rateBurst) + " entries per " +
			      std::to_string(options_.rateInterval.count()) +
			      " s), so that it drops none; output may slow down");
	pacingSaid_ = pacingSaid_ || error == 0;
	if (error != 0)
		noteOutage(error);
	held_.push_back(Held{std::string(message), std::string(fields.rec),
			     std::string(fields.user), std::string(fields.host), fields.session,
			     fields.id, std::string(fields.signature), fields.end});
	heldBytes_ += message.size();
}

void JournalWriter::waitForRoom()
{
	if (heldBytes_ <= options_.bufferBytes)
		return;
	std::string state =
	    std::to_string(held_.size()) + " messages (" + std::to_string(heldBytes_) +
	    " bytes) held for " + seconds(clock_.monotonic() - failingSince_) + " (" +
	    (lastError_ != 0 ? std::strerror(lastError_) : "journald's rate limit") + ")";
	if (options_.failOnOverflow) {
		// The held messages end with the recording: name them here, once,
		// rather than in the destructor, which would say it before this
		// error and without the ids.
		std::string lost = lostMessages(held_.front().id, held_.back().id);
		held_.clear();
		heldBytes_ = 0;
		throw std::runtime_error(
		    state + ", more than journal.buffer (" + std::to_string(options_.bufferBytes) +
		    "): ending the recording (journal.overflow=fail); " + lost);
	}
	// Said once per episode: a flood calls here for every message.
	if (!waiting_)
		base::logLine(state +
			      ": the session waits for the journal (journal.overflow=delay)");
	waiting_ = true;
	while (heldBytes_ > options_.bufferBytes) {
		clock_.sleepUntil(nextRetry_);
		drain();
	}
}

void JournalWriter::write(std::string_view message, const MessageFields &fields)
{
	// Order matters: while anything is held, new messages queue behind it.
	if (held_.empty()) {
		auto now = clock_.monotonic();
		if (!mayPace(now)) {
			hold(message, fields, 0);
			waitForRoom();
			return;
		}
		int r = send(message, fields);
		if (r >= 0) {
			if (options_.rateBurst != 0)
				sent_.push_back(now);
			return;
		}
		if (!isTransient(-r))
			base::throwSystem(-r, "sending to the journal");
		hold(message, fields, -r);
		// The outage began with this attempt, which may have waited for
		// room in journald's queue before it gave up.
		failingSince_ = now;
	} else {
		hold(message, fields, lastError_);
		if (clock_.monotonic() >= nextRetry_)
			drain();
	}
	waitForRoom();
}

std::optional<base::Timestamp> JournalWriter::retryDeadline() const noexcept
{
	if (held_.empty())
		return std::nullopt;
	return nextRetry_;
}

void JournalWriter::retry()
{
	if (!held_.empty())
		drain();
}

void JournalWriter::flush()
{
	// Entries held by the pacing go out as the window moves on, however
	// many windows that takes: journald takes them, and dropping them
	// is what the pacing is there to avoid. A journal that is away gets
	// exitWait, counted again each time it takes some.
	auto giveUp = clock_.monotonic() + options_.exitWait;
	while (!held_.empty()) {
		if (!mayPace(clock_.monotonic())) {
			clock_.sleepUntil(nextRetry_);
			drain();
			giveUp = clock_.monotonic() + options_.exitWait;
			continue;
		}
		if (clock_.monotonic() >= giveUp)
			break;
		clock_.sleepUntil(std::min(nextRetry_, giveUp));
		auto before = held_.size();
		drain();
		if (held_.size() < before)
			giveUp = clock_.monotonic() + options_.exitWait;
	}
	if (!held_.empty()) {
		// Only an outage gets here: the pacing is waited out.
		std::string what = "the journal did not come back (" +
				   std::string(std::strerror(lastError_)) +
				   "): " + std::to_string(held_.size()) + " messages (" +
				   std::to_string(heldBytes_) + " bytes), ids " +
				   std::to_string(held_.front().id) + "-" +
				   std::to_string(held_.back().id) + ", could not be written";
		held_.clear();
		heldBytes_ = 0;
		throw std::runtime_error(what);
	}
}

} // namespace tlog::sink
