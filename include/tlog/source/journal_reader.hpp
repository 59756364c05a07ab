// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <systemd/sd-journal.h>

#include "tlog/base/c_free.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::source {

using JournalPtr = std::unique_ptr<sd_journal, base::CFree<sd_journal_close>>;

/// Which journal to read and which entries of it.
struct JournalSpec {
	std::vector<std::string> directories; ///< -D: journal directories (a remote host's)
	std::vector<std::string> files;       ///< --file: journal files
	std::string nameSpace;                ///< -N: a journal namespace
	/// FIELD=VALUE matches as journalctl takes them: matches on different
	/// fields are ANDed, on one field ORed, "+" starts an OR group.
	std::vector<std::string> matches;
	std::optional<std::uint64_t> sinceUsec; ///< realtime, microseconds
	std::optional<std::uint64_t> untilUsec;
	/// Entries whose trusted _UID differs are skipped (forgery guard).
	std::optional<uid_t> trustedUid;
	std::string cursor;       ///< start at this entry...
	bool afterCursor = false; ///< ...or just after it
};

/// Reads tlog messages (MESSAGE fields) from the systemd journal through
/// sd-journal, oldest first, following new entries when asked: the
/// journal's fd wakes the caller's event loop, nothing polls.
/// One thread only; open it after any fork (a child must not use it).
class JournalReader : public Reader
{
public:
	/// Throws: std::system_error when the journal cannot be opened or a
	/// match is malformed (named in the message).
	explicit JournalReader(const JournalSpec &spec);
	~JournalReader() override;

	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override;
	void onWaitFdReady() override;

	/// Cursor of the last entry read, empty before the first.
	const std::string &cursor() const noexcept { return cursor_; }
	/// Entries skipped because their _UID was not the trusted one.
	std::uint64_t skippedUntrusted() const noexcept { return skippedUntrusted_; }

	/// Realtime (microseconds) of the last entry read.
	std::uint64_t realtimeUsec() const noexcept { return realtimeUsec_; }

	/// Value of field @p name of the last entry read, if it has one.
	std::optional<std::string> field(const std::string &name) const;

private:
	JournalPtr journal_;
	JournalSpec spec_;
	std::string cursor_;
	std::uint64_t realtimeUsec_ = 0;
	std::uint64_t skippedUntrusted_ = 0;
	bool atEnd_ = false; // past the until bound: nothing more, ever
	mutable int fd_ = -1;
};

/// One recording in a journal, as its indexed fields and first and last
/// messages tell (read through the TLOG_REC index, not by scanning).
struct JournalRecording {
	std::string rec;
	std::string user;
	std::string host;
	std::string session;
	std::uint64_t firstUsec = 0; ///< realtime of the first entry
	std::uint64_t lastUsec = 0;  ///< realtime of the last entry
	std::string firstMessage;    ///< MESSAGE of the first entry
	std::string lastMessage;     ///< MESSAGE of the last entry
	std::string lastCursor;
};

/// The recordings among the entries @p spec selects (its matches, time
/// bounds and trusted UID), oldest first by their first entry.
/// Throws: std::system_error.
std::vector<JournalRecording> listJournalRecordings(const JournalSpec &spec);

} // namespace tlog::source
