// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/source/es_spec.hpp"
#include "tlog/source/journal_spec.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/selection.hpp"

namespace tlog::source {

/// What to read a recording from, as plain data (filled from PlayConfig):
/// the reader, which recordings (the selection, which each reader
/// translates into its own query) and each reader's own options.
struct ReaderSpec {
	std::string type = "file"; ///< "file", "journal", "es", "asciicast"
	std::string path;	   ///< file, asciicast: a path, "-" for standard input
	bool follow = false;	   ///< wait for more once the end is reached
	Selection select;
	JournalSpec journal;
	ElasticSpec es;
};

/// One recording in an indexed source, as its first and last messages
/// show it.
struct RecordingEdges {
	std::string rec;
	std::string firstMessage;
	std::string lastMessage;
	std::string location;	     ///< of the first message, for errors
	std::uint64_t firstUsec = 0; ///< realtime of the first entry, 0 if unknown
	/// Who wrote it, as the source vouches ("uid 998 (tlog), pid 4242" from
	/// the journal's trusted fields); "" when the source cannot say.
	std::string writer;
	/// Entries with its fields that another process wrote, met at its
	/// edges and passed over.
	std::uint64_t foreignEntries = 0;
};

/// Makes the reader @p spec describes. One line per reader type in the
/// factory's table.
/// Throws: base::ConfigError for an unknown (or not built) reader or a
/// missing or contradicting setting, std::system_error when the source
/// cannot be opened.
std::unique_ptr<Reader> makeReader(const ReaderSpec &spec);

/// Whether the reader @p type lists recordings from an index (the
/// journal's TLOG_REC, an Elasticsearch aggregation): then a selection is
/// asked of it before playing, so two recordings are never interleaved.
/// False for one that must be read through (a file) and unknown types.
bool hasIndex(std::string_view type) noexcept;

/// Whether the reader @p spec describes reads standard input ("-" as the
/// file of a reader that takes one), which then gives no keys.
bool readsStandardInput(const ReaderSpec &spec) noexcept;

/// The source @p spec names, for messages: "the journal", the
/// Elasticsearch URL, the file's path.
std::string sourceName(const ReaderSpec &spec);

/// The recordings in the indexed source @p spec describes (its selection
/// applies), oldest first: the journal answers from its TLOG_REC index and
/// the first and last entry of each recording.
/// Throws: as makeReader(), base::FormatError; std::logic_error for a
/// reader without an index (see hasIndex()).
std::vector<RecordingEdges> listRecordings(const ReaderSpec &spec);

} // namespace tlog::source
