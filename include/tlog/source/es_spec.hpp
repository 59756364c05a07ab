// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace tlog::source {

/// Where the Elasticsearch reader (es_reader.hpp) searches, and its own
/// options; the selection's terms are ANDed with the query.
struct ElasticSpec {
	std::string baseUrl; ///< an index's _search endpoint
	std::string query;   ///< query-string syntax ("rec:X AND id:>10")
	std::size_t pageSize = 500;
	std::chrono::milliseconds timeout{30000};
	unsigned attempts = 5;	  ///< tries per page on 5xx, 429 and transport
				  ///< errors; 0: no limit (the reader, following)
	std::string userPassword; ///< "user:password"; else ~/.netrc if it has the host
	bool verifyTls = true;
	bool verbose = false;
};

} // namespace tlog::source
