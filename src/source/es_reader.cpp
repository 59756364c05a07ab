// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/es_reader.hpp"

#include <algorithm>
#include <system_error>
#include <thread>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"

namespace tlog::source {

namespace {

using json::JsonRef;
using json::JsonType;

// The server's own words for a failed request, as ES puts them.
std::string reasonOf(const std::string &body)
{
	try {
		auto root = JsonRef::parse(body);
		if (auto error = root.member("error")) {
			if (error->type() == JsonType::String)
				return std::string(error->asString());
			if (auto reason = error->member("reason"))
				return std::string(reason->asString());
			return error->toString();
		}
	} catch (...) {
	}
	std::string text = body.substr(0, 200);
	std::replace(text.begin(), text.end(), '\n', ' ');
	return text.empty() ? "no reason given" : text;
}

} // namespace

ElasticReader::ElasticReader(ElasticSpec spec) : spec_(std::move(spec))
{
	if (spec_.baseUrl.empty())
		throw base::ConfigError("es.baseurl: the Elasticsearch _search URL is not set");
	if (spec_.query.empty())
		throw base::ConfigError("es.query: no query: say which recording to play");
	curl_.setTimeout(spec_.timeout, std::min(spec_.timeout, std::chrono::milliseconds(10000)));
	curl_.setUserPassword(spec_.userPassword);
	curl_.setVerifyTls(spec_.verifyTls);
	curl_.setVerbose(spec_.verbose);
}

std::string ElasticReader::requestBody() const
{
	auto body = JsonRef::makeObject();
	auto queryString = JsonRef::makeObject();
	queryString.set("query", JsonRef::makeString(spec_.query));
	auto query = JsonRef::makeObject();
	query.set("query_string", queryString);
	body.set("query", query);
	auto order = JsonRef::makeObject();
	order.set("order", JsonRef::makeString("asc"));
	auto key = JsonRef::makeObject();
	key.set("id", order);
	auto sort = JsonRef::makeArray();
	sort.append(key);
	body.set("sort", sort);
	body.set("size", JsonRef::makeInt(static_cast<std::int64_t>(spec_.pageSize)));
	if (searchAfter_)
		body.set("search_after", *searchAfter_);
	return body.toString();
}

void ElasticReader::fetchPage()
{
	const std::string body = requestBody();
	auto backoff = std::chrono::milliseconds(200);
	HttpResponse response;
	for (unsigned attempt = 1;; attempt++) {
		std::string failure;
		try {
			response = curl_.postJson(spec_.baseUrl, body);
			if (response.status >= 200 && response.status < 300)
				break;
			if (response.status < 500)
				throw std::runtime_error(spec_.baseUrl + ": HTTP " +
							 std::to_string(response.status) + ": " +
							 reasonOf(response.body));
			failure = "HTTP " + std::to_string(response.status) + ": " +
				  reasonOf(response.body);
		} catch (const std::system_error &e) {
			failure = e.what();
		}
		if (attempt >= spec_.attempts)
			throw std::runtime_error(spec_.baseUrl + ": giving up after " +
						 std::to_string(attempt) + " attempts: " + failure);
		base::logLine("Elasticsearch: " + failure + "; retrying");
		std::this_thread::sleep_for(backoff);
		backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
	}

	const std::string where = spec_.baseUrl + ": malformed answer: ";
	JsonRef root;
	try {
		root = JsonRef::parse(response.body);
	} catch (const std::system_error &e) {
		throw base::FormatError(where + e.what());
	}
	auto hits = root.member("hits");
	auto list = hits ? hits->member("hits") : std::nullopt;
	if (!list || list->type() != JsonType::Array)
		throw base::FormatError(where + "no hits.hits array");
	std::size_t n = list->arrayLength();
	for (std::size_t i = 0; i < n; i++) {
		auto hit = list->at(i);
		auto source = hit.member("_source");
		auto sort = hit.member("sort");
		if (!source || source->type() != JsonType::Object)
			throw base::FormatError(where + "hit " + std::to_string(i) + " has no _source object");
		if (!sort || sort->type() != JsonType::Array)
			throw base::FormatError(where + "hit " + std::to_string(i) + " has no sort values");
		std::string index, id;
		if (auto v = hit.member("_index"))
			index = v->asString();
		if (auto v = hit.member("_id"))
			id = v->asString();
		page_.push_back(RawMessage{source->toString(), "Elasticsearch document " + index + "/" + id});
		searchAfter_ = *sort;
	}
	drained_ = n == 0;
}

std::optional<RawMessage> ElasticReader::read()
{
	if (page_.empty()) {
		fetchPage();
		if (drained_) {
			idleDelay_ = std::min(idleDelay_ * 2, std::chrono::milliseconds(5000));
			return std::nullopt;
		}
		idleDelay_ = std::chrono::milliseconds(250);
	}
	RawMessage message = std::move(page_.front());
	page_.pop_front();
	return message;
}

std::optional<std::chrono::milliseconds> ElasticReader::retryDelay() const noexcept
{
	return idleDelay_;
}

} // namespace tlog::source
