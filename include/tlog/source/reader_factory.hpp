// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "tlog/source/reader.hpp"

namespace tlog::source {

/// Which journal to read and which entries of it.
struct JournalSpec {
	std::vector<std::string> directories; ///< -D: a journal directory (a remote host's)
	std::vector<std::string> files;       ///< --file: journal files
	std::string nameSpace;                ///< -N: a journal namespace
	/// FIELD=VALUE matches as sd_journal_add_match() takes them: on
	/// different fields ANDed, on one field ORed; "OR" (or "+") and "AND"
	/// combine the groups before and after them.
	std::vector<std::string> matches;
	/// FIELD=VALUE matches ANDed with all of the above (--user, --session).
	std::vector<std::string> required;
	/// The recording (TLOG_REC), ANDed with all of the matches.
	std::string rec;
	std::optional<std::uint64_t> sinceUsec; ///< realtime, microseconds
	std::optional<std::uint64_t> untilUsec;
	/// Entries whose trusted _UID differs are skipped (forgery guard).
	std::optional<uid_t> trustedUid;
	std::string cursor;       ///< start at this entry...
	bool afterCursor = false; ///< ...or just after it
};

/// Where and what to search in Elasticsearch.
struct ElasticSpec {
	std::string baseUrl;      ///< an index's _search endpoint
	std::string query;        ///< query-string syntax ("rec:X AND id:>10")
	std::size_t pageSize = 500;
	std::chrono::milliseconds timeout{30000};
	unsigned attempts = 5;    ///< tries per page on 5xx, 429 and transport
				  ///< errors; 0: no limit (the reader, following)
	std::string userPassword; ///< "user:password"; else ~/.netrc if it has the host
	bool verifyTls = true;
	bool verbose = false;
};

/// What to read a recording from, as plain data (filled from PlayConfig).
struct ReaderSpec {
	std::string type = "file"; ///< "file", "journal", "es", "asciicast"
	std::string path;          ///< file: a path, "-" for standard input
	bool follow = false;       ///< wait for more once the end is reached
	/// The recording to read, when known: the journal reader matches
	/// TLOG_REC, the ES reader adds it to the query, the file reader
	/// leaves choosing to the player (it reads every line anyway).
	std::string rec;
	JournalSpec journal;
	ElasticSpec es;
};

/// One recording in a source, as its first and last messages show it.
struct RecordingEdges {
	std::string rec;
	std::string firstMessage;
	std::string lastMessage;
	std::string location;        ///< of the first message, for errors
	std::uint64_t firstUsec = 0; ///< realtime of the first entry, 0 if unknown
	/// Who wrote it, as the source vouches ("uid 998 (tlog), pid 4242" from
	/// the journal's trusted fields); "" when the source cannot say.
	std::string writer;
	/// Entries with its fields that another process wrote, met at its
	/// edges and passed over.
	std::uint64_t foreignEntries = 0;
};

/// Makes the reader @p spec describes. One line per reader type.
/// Throws: base::UsageError for an unknown or missing setting,
/// base::ConfigError for a reader this build does not have,
/// std::system_error when the source cannot be opened.
std::unique_ptr<Reader> makeReader(const ReaderSpec &spec);

/// The recordings in the source @p spec describes (its selection applies),
/// oldest first. The journal answers from its TLOG_REC index and the
/// first and last entry of each recording; a file is read through.
/// Throws: as makeReader(), base::FormatError.
std::vector<RecordingEdges> listRecordings(const ReaderSpec &spec);

} // namespace tlog::source
