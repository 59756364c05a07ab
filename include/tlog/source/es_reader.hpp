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

/// One Elasticsearch search at a time over a kept-alive connection, with
/// the retry rules every request follows: 5xx answers, 429 and transport
/// errors are asked again after a growing pause (200 ms doubling to 5 s),
/// up to spec.attempts (0: without end; a long outage is said about once
/// a minute after the first few); a 4xx answer fails at once with the
/// server's reason; an answer that is not JSON with a hits.hits array
/// fails. It never blocks: it runs in poll() whenever fd() is readable, so
/// a player's keys and signals are served while a request is slow or
/// waiting to be retried (wait() is the blocking form, for listings).
class ElasticSearch {
public:
	/// @p spec is borrowed for the object's life.
	/// Throws: std::system_error.
	explicit ElasticSearch(const ElasticSpec &spec);

	/// Readable when poll() has work: an answer, a retry due.
	int fd() const noexcept { return multi_.fd(); }
	/// Begins a search with @p body (JSON) after @p delay (zero: at
	/// once), abandoning any under way. Throws: std::system_error.
	void start(std::string body, std::chrono::milliseconds delay = {});
	/// A search was started and poll() has not given its answer yet.
	bool busy() const noexcept { return state_ != State::Idle; }
	/// Runs what is ready without waiting; the answer once the search
	/// succeeded. Throws: std::runtime_error naming the URL and the
	/// server's reason (4xx, or giving up), base::FormatError (malformed
	/// answer), std::system_error.
	std::optional<json::JsonRef> poll();
	/// start()s @p body and waits for its answer. Throws: as poll().
	json::JsonRef run(std::string body);

private:
	enum class State { Idle, Pausing, Requesting };
	void request();
	/// A failed attempt: paused for a retry, or thrown when out of them.
	void retryAfter(const std::string &failure);

	const ElasticSpec &spec_;
	CurlEasy curl_;
	CurlMulti multi_;
	State state_ = State::Idle;
	std::string body_;
	unsigned attempt_ = 0;
	std::chrono::milliseconds backoff_{};
};

/// Reads tlog messages (documents' _source) from Elasticsearch, sorted by
/// id, paging with search_after (from/size stops at 10000 hits), through
/// an ElasticSearch: read() never waits for the server, it gives nullopt
/// while a page is on its way and waitFd() says when to ask again. A
/// malformed answer fails, it is never played.
class ElasticReader : public Reader {
public:
	/// Reads what @p spec's query and @p select (as selectionQuery())
	/// match. With @p follow the reader is never finished(): when the hits
	/// run out it searches again after a pause (250 ms, doubling to 5 s
	/// while nothing new comes). Following, a message that is not
	/// searchable yet while a later one of its recording is (shards
	/// refresh apart) is waited for: the page stops before the gap and
	/// the next search starts there again, for kGapSearches searches,
	/// after which the gap is passed on to the player (which reports the
	/// missing messages).
	/// Throws: base::ConfigError for a missing URL or query.
	ElasticReader(ElasticSpec spec, const Selection &select, bool follow);

	/// How many searches in a row a gap is waited for (with the growing
	/// pause, some 8 s).
	static constexpr unsigned kGapSearches = 6;

	/// Throws: as ElasticSearch::poll().
	std::optional<RawMessage> read() override;
	/// Readable when read() may have more: a page arrived, a retry or
	/// the next search is due.
	int waitFd() const noexcept override { return search_.fd(); }
	/// Fed through rsyslog: a recorder gone says nothing of what is to come.
	bool direct() const noexcept override { return false; }
	/// Without following, once the hits ran out and were all read.
	bool finished() const noexcept override { return !follow_ && drained_ && page_.empty(); }
	std::string name() const override { return spec_.baseUrl; }

	/// The search body for the next page (exposed for tests).
	std::string requestBody() const;

private:
	void takePage(const json::JsonRef &root);
	/// Following: true when @p source (a hit's _source) is the next
	/// message of its recording, or its gap was waited for long enough.
	bool acceptInOrder(const json::JsonRef &source);

	ElasticSpec spec_;
	bool follow_;
	ElasticSearch search_;
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
/// selection match, each with its first and last message: a composite
/// aggregation on rec with the first and last hit of each, paged with
/// its after_key (kListPage recordings a search, so any number), with a
/// progress line on stderr while it takes long.
/// Throws: base::ConfigError without a URL, as ElasticReader::read().
std::vector<RecordingEdges> listElasticRecordings(const ReaderSpec &spec);

/// Recordings asked per listing search.
constexpr std::size_t kListPage = 1000;

} // namespace tlog::source
