// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <systemd/sd-journal.h>

#include "tlog/base/c_free.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::source {

using JournalPtr = std::unique_ptr<sd_journal, base::CFree<sd_journal_close>>;

/// Who sent a journal entry, as journald recorded it: _UID, _PID and
/// _BOOT_ID, which no sender can set ("" where missing).
struct EntryWriter {
	std::string uid, pid, boot;
	bool operator==(const EntryWriter &) const = default;
	/// "uid 998 (tlog), pid 4242". Never throws but std::bad_alloc.
	std::string describe() const;
};

/// The writer of the current entry of @p j. Throws: std::system_error.
EntryWriter entryWriter(sd_journal *j);

/// Tells a recording's own entries from ones another process logged with
/// its fields (logger --journald, systemd-cat, python-systemd can all
/// send TLOG_REC=...): a recording is written by one process. Its first
/// entry that fits the recording id (tlog's ids hold the recorder's boot
/// id and pid; an id of another form fits any) names the writer, and
/// every later entry must come from that same uid, pid and boot.
class WriterCheck {
public:
	/// Whether an entry of recording @p rec sent by @p writer is one of its
	/// own; the first one accepted names the writer.
	bool accept(const std::string &rec, const EntryWriter &writer);
	/// The writer of @p rec, once named; null before.
	const EntryWriter *writerOf(const std::string &rec) const;

private:
	std::map<std::string, EntryWriter, std::less<>> writers_;
};

/// Reads tlog messages (MESSAGE fields) from the systemd journal through
/// sd-journal, oldest first, following new entries when asked: the
/// journal's fd wakes the caller's event loop, nothing polls.
/// One thread only; open it after any fork (a child must not use it).
class JournalReader : public Reader {
public:
	/// Reads the entries of @p spec's journal that its matches and
	/// @p select (as selectionMatches() and its time bounds) take. With
	/// @p follow the reader is never finished(): its waitFd() wakes the
	/// caller when entries arrive.
	/// Throws: std::system_error when the journal cannot be opened or a
	/// match is malformed (named in the message); base::ConfigError for
	/// more than one directory.
	JournalReader(const JournalSpec &spec, const Selection &select, bool follow);
	/// Says how many entries of each recording came from other writers.
	~JournalReader() override;

	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override;
	void onWaitFdReady() override;
	/// Following up to an --until bound: when to look again, so that the
	/// end is noticed once the clock passes it even if no entry comes to
	/// wake the caller. nullopt otherwise.
	std::optional<std::chrono::milliseconds> retryDelay() const noexcept override;
	bool finished() const noexcept override { return !follow_ || atEnd_; }
	std::string name() const override { return "the journal"; }
	std::string position() const override { return cursor_; }
	/// The cursor of the last entry read ("" before the first).
	std::optional<std::string> mark() const override { return cursor_; }
	/// Throws: std::system_error when the journal cannot seek there.
	void rewind(const std::string &mark) override;

	/// Cursor of the last entry read, empty before the first.
	const std::string &cursor() const noexcept { return cursor_; }
	/// Entries skipped because their _UID was not the trusted one.
	std::uint64_t skippedUntrusted() const noexcept { return skippedUntrusted_; }

	/// Realtime (microseconds) of the last entry read.
	std::uint64_t realtimeUsec() const noexcept { return realtimeUsec_; }

	/// Value of field @p name of the last entry read, if it has one.
	std::optional<std::string> field(const std::string &name) const;

private:
	// Where reading starts: the spec's cursor, --since time or the head.
	void seekStart();
	/// An entry of @p rec from another writer was skipped: said once a
	/// recording, counted.
	void noteForeign(const std::string &rec, const EntryWriter &writer);
	JournalPtr journal_;
	JournalSpec spec_;
	Selection select_;
	bool follow_;
	std::string cursor_;
	std::uint64_t realtimeUsec_ = 0;
	std::uint64_t skippedUntrusted_ = 0;
	WriterCheck writers_;
	std::map<std::string, std::uint64_t, std::less<>> foreign_; // entries skipped, by recording
	bool atEnd_ = false; // past the until bound: nothing more, ever
	int fd_ = -1;	     // sd_journal_get_fd() when following
};

/// The journal's terms for @p select: TLOG_USER, TLOG_HOST, TLOG_SESSION
/// and TLOG_REC matches (the indexed fields the journal writer adds), in
/// that order; its time bounds are applied as entries are read.
std::vector<std::string> selectionMatches(const Selection &select);

/// The factory's entry (reader type "journal"): a JournalReader of
/// @p spec's journal options and selection.
/// Throws: as JournalReader's constructor.
std::unique_ptr<Reader> makeJournalReader(const ReaderSpec &spec);

/// The factory's indexed listing: the recordings among the entries @p spec
/// selects (its matches, selection, time bounds and trusted UID), oldest
/// first: read through the TLOG_REC index and each recording's first and
/// last entry, not by scanning.
/// Throws: std::system_error.
std::vector<RecordingEdges> listJournalRecordings(const ReaderSpec &spec);

} // namespace tlog::source
