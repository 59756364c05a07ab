// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlog/json/json_ref.hpp"
#include "tlog/source/curl.hpp"
#include "tlog/source/reader.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::source {

/// Reads tlog messages (documents' _source) from Elasticsearch, sorted by
/// id, paging with search_after (from/size stops at 10000 hits) over one
/// kept-alive connection. Retries 5xx answers and transport errors with
/// backoff; a 4xx answer fails at once with the server's reason; a
/// malformed answer fails, it is never played.
class ElasticReader : public Reader {
public:
	/// Reads what @p spec's query and @p select (as selectionQuery())
	/// match. With @p follow the reader is never finished(): read() asks
	/// again after retryDelay() when the hits run out. Following, a
	/// message that is not searchable yet while a later one of its
	/// recording is (shards refresh apart) is waited for: the page stops
	/// before the gap and the next search starts there again, for
	/// kGapSearches searches, after which the gap is passed on to the
	/// player (which reports the missing messages).
	/// Throws: base::ConfigError for a missing URL or query.
	ElasticReader(ElasticSpec spec, const Selection &select, bool follow);

	/// How many searches in a row a gap is waited for (with the growing
	/// retryDelay(), some 8 s).
	static constexpr unsigned kGapSearches = 6;

	/// Throws: std::runtime_error naming the URL and the server's reason,
	/// std::system_error (transport, after the last attempt),
	/// base::FormatError (malformed answer).
	std::optional<RawMessage> read() override;
	/// When the hits run out, the next read() asks again after this
	/// (growing while nothing new arrives).
	std::optional<std::chrono::milliseconds> retryDelay() const noexcept override;
	/// Fed through rsyslog: a recorder gone says nothing of what is to come.
	bool direct() const noexcept override { return false; }
	bool finished() const noexcept override { return !follow_; }
	std::string name() const override { return spec_.baseUrl; }

	/// The search body for the next page (exposed for tests).
	std::string requestBody() const;

private:
	void fetchPage();
	/// Following: true when @p source (a hit's _source) is the next
	/// message of its recording, or its gap was waited for long enough.
	bool acceptInOrder(const json::JsonRef &source);

	ElasticSpec spec_;
	bool follow_;
	CurlEasy curl_;
	std::deque<RawMessage> page_;
	std::optional<json::JsonRef> searchAfter_; // the last hit's sort values
	std::string lastText_;			   // and its _source
	bool drained_ = false;			   // the last page came back empty
	std::chrono::milliseconds idleDelay_{250};
	// Following: the last id taken of each recording, and how many
	// searches in a row stopped at the same gap in its ids.
	std::map<std::string, std::uint64_t> lastIds_;
	unsigned gapSearches_ = 0;
};

/// @p query (query-string syntax, may be empty) with @p select's terms
/// ANDed: user, host and session, then the recording ("(QUERY) AND
/// user:\"alice\"", "((...)) AND rec:\"ID\""). Its time bounds are the
/// journal's only.
std::string selectionQuery(const std::string &query, const Selection &select);

/// The factory's entry (reader type "es").
/// Throws: as ElasticReader's constructor.
std::unique_ptr<Reader> makeElasticReader(const ReaderSpec &spec);

/// The factory's indexed listing: the recordings the spec's query and
/// selection match (terms aggregation on rec), each with its first and
/// last message.
/// Throws: base::ConfigError without a URL, as ElasticReader::read().
std::vector<RecordingEdges> listElasticRecordings(const ReaderSpec &spec);

} // namespace tlog::source
