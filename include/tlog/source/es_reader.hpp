// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "tlog/json/json_ref.hpp"
#include "tlog/source/curl.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::source {

/// Where and what to search in Elasticsearch.
struct ElasticSpec {
	std::string baseUrl;   ///< an index's _search endpoint
	std::string query;     ///< query-string syntax ("rec:X AND id:>10")
	std::size_t pageSize = 500;
	std::chrono::milliseconds timeout{30000};
	unsigned attempts = 5;     ///< tries per page on 5xx and transport errors
	std::string userPassword;  ///< "user:password"; else ~/.netrc if it has the host
	bool verifyTls = true;
	bool verbose = false;
};

/// Reads tlog messages (documents' _source) from Elasticsearch, sorted by
/// id, paging with search_after (from/size stops at 10000 hits) over one
/// kept-alive connection. Retries 5xx answers and transport errors with
/// backoff; a 4xx answer fails at once with the server's reason; a
/// malformed answer fails, it is never played.
class ElasticReader : public Reader
{
public:
	explicit ElasticReader(ElasticSpec spec);

	/// Throws: std::runtime_error naming the URL and the server's reason,
	/// std::system_error (transport, after the last attempt),
	/// base::FormatError (malformed answer).
	std::optional<RawMessage> read() override;
	/// When the hits run out, the next read() asks again after this
	/// (growing while nothing new arrives).
	std::optional<std::chrono::milliseconds> retryDelay() const noexcept override;

	/// The search body for the next page (exposed for tests).
	std::string requestBody() const;

private:
	void fetchPage();

	ElasticSpec spec_;
	CurlEasy curl_;
	std::deque<RawMessage> page_;
	std::optional<json::JsonRef> searchAfter_; // the last hit's sort values
	bool drained_ = false;                     // the last page came back empty
	std::chrono::milliseconds idleDelay_{250};
};

} // namespace tlog::source
