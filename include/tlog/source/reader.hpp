// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "tlog/codec/message.hpp"

namespace tlog::source {

/// One message as it came from storage, with where it came from.
struct RawMessage {
	std::string text;     ///< the JSON message
	std::string location; ///< "FILE:LINE", a journal cursor, an ES id
	/// Marks stored beside the message (the journal's TLOG_SIG and
	/// TLOG_END); in a file or a document they are members of the JSON.
	std::string signature;
	bool end = false;
};

/// Parses @p raw (codec::parseMessage()) with the marks stored beside it.
/// Throws: base::FormatError naming raw.location.
inline codec::Message parse(const RawMessage &raw)
{
	codec::Message m = codec::parseMessage(raw.text, raw.location);
	if (m.signature.empty())
		m.signature = raw.signature;
	m.end = m.end || raw.end;
	return m;
}

/// Where messages come from, oldest first.
class Reader {
public:
	virtual ~Reader() = default;

	/// The next message, or nullopt when there is none (yet).
	/// Throws: std::system_error, base::FormatError (naming the location).
	virtual std::optional<RawMessage> read() = 0;

	/// For following a live recording: an fd that becomes readable when
	/// read() may have more (inotify, the journal's fd), or -1 when the
	/// source cannot be followed this way.
	virtual int waitFd() const noexcept { return -1; }
	/// Acknowledges readiness of waitFd() before read() is retried.
	virtual void onWaitFdReady() {}

	/// True when the last nullopt from read() means "no more, ever" (a
	/// file read to its end without following, a closed pipe), false when
	/// more may come once waitFd() is readable. A reader without a waitFd()
	/// is finished at its first nullopt.
	virtual bool finished() const noexcept { return waitFd() < 0; }

	/// True when messages come straight from the recorder (the file it
	/// appends to, the journal it logs to), so that once the recorder is
	/// gone, what it sent shows up within moments; false for a store fed
	/// through others with no bound on the delay (Elasticsearch, through
	/// rsyslog). A follower ends a recording whose recorder died only
	/// for a direct source.
	virtual bool direct() const noexcept { return true; }

	/// What the messages come from, for diagnostics: a file path, "the
	/// journal".
	virtual std::string name() const { return "the recording"; }

	/// For a source that cannot wake the caller (a remote search): how
	/// long to wait before calling read() again after a nullopt while
	/// following; nullopt when it offers no such polling.
	virtual std::optional<std::chrono::milliseconds> retryDelay() const noexcept
	{
		return std::nullopt;
	}

	/// The longest pause the source asks a player to keep (an asciicast
	/// header's idle_time_limit); nullopt when it asks none. A source
	/// that says so in a header may read it first, waiting for it on a
	/// pipe, so this may be asked before read(). Throws: as read().
	virtual std::optional<std::chrono::microseconds> idleLimit() { return std::nullopt; }

	/// Where the last message read came from, in a form a later run can
	/// resume after (a journal cursor); empty when the source has none.
	virtual std::string position() const { return {}; }

	/// Where the next read() would start, as a token rewind() takes back
	/// (the player's snapshots, to seek backwards); nullopt for a source
	/// that cannot go back (a pipe, a remote search).
	virtual std::optional<std::string> mark() const { return std::nullopt; }
	/// Returns to a mark() of this reader: the next read() gives the
	/// message that followed it. Throws: std::logic_error for a source
	/// without marks; std::system_error when the source fails.
	virtual void rewind(const std::string &mark);
};

inline void Reader::rewind(const std::string &)
{
	throw std::logic_error(name() + ": cannot go back in this source");
}

/// The next message of @p reader, waiting on its waitFd() while more may
/// come (a pipe not written yet, a remote search under way); nullopt once
/// it is finished() or offers nothing to wait on. For those who read a
/// recording to its end outside an event loop (--verify, listings,
/// exports); a follower waits for ever here.
/// Throws: as Reader::read(); std::system_error when waiting fails.
std::optional<RawMessage> readWaiting(Reader &reader);

} // namespace tlog::source
