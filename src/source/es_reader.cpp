// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/es_reader.hpp"

#include <algorithm>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

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

// A string as a query-string phrase.
std::string quoted(const std::string &value)
{
	std::string out = "\"";
	for (char c : value) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

} // namespace

std::string selectionQuery(const std::string &query, const Selection &select)
{
	std::vector<std::string> terms;
	if (!query.empty())
		terms.push_back("(" + query + ")");
	if (!select.user.empty())
		terms.push_back("user:" + quoted(select.user));
	if (!select.host.empty())
		terms.push_back("host:" + quoted(select.host));
	if (select.session)
		terms.push_back("session:" + std::to_string(*select.session));
	std::string all;
	for (auto &t : terms)
		all += (all.empty() ? "" : " AND ") + t;
	if (!select.rec.empty())
		all = all.empty() ? "rec:\"" + select.rec + "\""
				  : "(" + all + ") AND rec:\"" + select.rec + "\"";
	return all;
}

ElasticReader::ElasticReader(ElasticSpec spec, const Selection &select, bool follow)
    : spec_(std::move(spec)), follow_(follow)
{
	spec_.query = selectionQuery(spec_.query, select);
	if (spec_.baseUrl.empty())
		throw base::ConfigError("es.baseurl: the Elasticsearch _search URL is not set");
	if (spec_.query.empty())
		throw base::ConfigError("es.query: no query: say which recording to play");
	curl_.setTimeout(spec_.timeout, std::min(spec_.timeout, std::chrono::milliseconds(10000)));
	curl_.setUserPassword(spec_.userPassword);
	curl_.setVerifyTls(spec_.verifyTls);
	curl_.setVerbose(spec_.verbose);
	// A live recording outlives an Elasticsearch restart: follow it
	// through one rather than give up after a few seconds.
	if (follow_)
		spec_.attempts = 0;
}

namespace {

// One search: retries 5xx answers and transport errors with backoff,
// fails at once on a 4xx with the server's reason, and rejects an answer
// that is not JSON with a hits.hits array.
JsonRef search(CurlEasy &curl, const ElasticSpec &spec, const std::string &body)
{
	auto backoff = std::chrono::milliseconds(200);
	HttpResponse response;
	for (unsigned attempt = 1;; attempt++) {
		std::string failure;
		try {
			response = curl.postJson(spec.baseUrl, body);
			if (response.status >= 200 && response.status < 300)
				break;
			// 429: too many requests, Elasticsearch under load.
			if (response.status < 500 && response.status != 429)
				throw std::runtime_error(spec.baseUrl + ": HTTP " +
							 std::to_string(response.status) + ": " +
							 reasonOf(response.body));
			failure = "HTTP " + std::to_string(response.status) + ": " +
				  reasonOf(response.body);
		} catch (const std::system_error &e) {
			// It names the URL first; the lines below name it once.
			failure = e.what();
			if (failure.rfind(spec.baseUrl + ": ", 0) == 0)
				failure.erase(0, spec.baseUrl.size() + 2);
		}
		if (spec.attempts != 0 && attempt >= spec.attempts)
			throw std::runtime_error(spec.baseUrl + ": giving up after " +
						 std::to_string(attempt) + " attempts: " + failure);
		// Without a limit (following), a long outage is said about once a
		// minute after the first few tries.
		if (attempt <= 5 || attempt % 12 == 0)
			base::logLine(spec.baseUrl + ": " + failure + "; retrying");
		std::this_thread::sleep_for(backoff);
		backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
	}
	const std::string where = spec.baseUrl + ": malformed answer: ";
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
	return root;
}

JsonRef hitsOf(const JsonRef &root)
{
	return *root.member("hits")->member("hits");
}

// A query_string query, sorted by id.
JsonRef searchBody(const std::string &query, bool descending, std::size_t size)
{
	auto body = JsonRef::makeObject();
	auto queryString = JsonRef::makeObject();
	queryString.set("query", JsonRef::makeString(query));
	auto q = JsonRef::makeObject();
	q.set("query_string", queryString);
	body.set("query", q);
	auto order = JsonRef::makeObject();
	order.set("order", JsonRef::makeString(descending ? "desc" : "asc"));
	auto key = JsonRef::makeObject();
	key.set("id", order);
	auto sort = JsonRef::makeArray();
	sort.append(key);
	body.set("sort", sort);
	body.set("size", JsonRef::makeInt(static_cast<std::int64_t>(size)));
	return body;
}

std::string locationOf(const JsonRef &hit)
{
	std::string index, id;
	if (auto v = hit.member("_index"))
		index = v->asString();
	if (auto v = hit.member("_id"))
		id = v->asString();
	return "Elasticsearch document " + index + "/" + id;
}

} // namespace

std::string ElasticReader::requestBody() const
{
	auto body = searchBody(spec_.query, false, spec_.pageSize);
	if (searchAfter_)
		body.set("search_after", *searchAfter_);
	return body.toString();
}

void ElasticReader::fetchPage()
{
	auto root = search(curl_, spec_, requestBody());
	auto list = hitsOf(root);
	const std::string where = spec_.baseUrl + ": malformed answer: ";
	std::size_t n = list.arrayLength();
	for (std::size_t i = 0; i < n; i++) {
		auto hit = list.at(i);
		auto source = hit.member("_source");
		auto sort = hit.member("sort");
		if (!source || source->type() != JsonType::Object)
			throw base::FormatError(where + "hit " + std::to_string(i) +
						" has no _source object");
		if (!sort || sort->type() != JsonType::Array)
			throw base::FormatError(where + "hit " + std::to_string(i) +
						" has no sort values");
		// A message indexed twice (a bulk request retried by rsyslog)
		// has the same id and text: played once. The same id with other
		// text is left for the decoder to refuse.
		auto text = source->toString();
		if (searchAfter_ && sort->toString() == searchAfter_->toString() &&
		    text == lastText_) {
			continue;
		}
		if (follow_ && !acceptInOrder(*source)) {
			// Searched again from the last message taken.
			drained_ = page_.empty();
			return;
		}
		page_.push_back(RawMessage{text, locationOf(hit), {}, false});
		lastText_ = std::move(text);
		searchAfter_ = *sort;
	}
	drained_ = n == 0;
}

bool ElasticReader::acceptInOrder(const JsonRef &source)
{
	auto rec = source.member("rec");
	auto id = source.member("id");
	if (!rec || rec->type() != JsonType::String || !id || id->type() != JsonType::Int ||
	    id->asInt() < 1)
		return true; // malformed: the decoder says so
	auto next = static_cast<std::uint64_t>(id->asInt());
	auto &last = lastIds_[std::string(rec->asString())];
	if (next > last + 1 && gapSearches_ < kGapSearches) {
		gapSearches_++;
		return false;
	}
	gapSearches_ = 0;
	last = std::max(last, next);
	return true;
}

std::unique_ptr<Reader> makeElasticReader(const ReaderSpec &spec)
{
	return std::make_unique<ElasticReader>(spec.es, spec.select, spec.follow);
}

std::vector<RecordingEdges> listElasticRecordings(const ReaderSpec &readerSpec)
{
	ElasticSpec spec = readerSpec.es;
	spec.query = selectionQuery(spec.query, readerSpec.select);
	if (spec.baseUrl.empty())
		throw base::ConfigError("es.baseurl: the Elasticsearch _search URL is not set");
	CurlEasy curl;
	curl.setTimeout(spec.timeout, std::min(spec.timeout, std::chrono::milliseconds(10000)));
	curl.setUserPassword(spec.userPassword);
	curl.setVerifyTls(spec.verifyTls);
	curl.setVerbose(spec.verbose);
	std::string query = spec.query.empty() ? "*" : spec.query;

	// The recordings: a terms aggregation on rec (its keyword sub-field,
	// as Elasticsearch maps a string by default).
	auto body = searchBody(query, false, 0);
	auto terms = JsonRef::makeObject();
	terms.set("field", JsonRef::makeString("rec.keyword"));
	terms.set("size", JsonRef::makeInt(10000));
	auto recs = JsonRef::makeObject();
	recs.set("terms", terms);
	auto aggs = JsonRef::makeObject();
	aggs.set("recs", recs);
	body.set("aggs", aggs);
	auto root = search(curl, spec, body.toString());
	auto agg = root.member("aggregations");
	auto byRec = agg ? agg->member("recs") : std::nullopt;
	auto buckets = byRec ? byRec->member("buckets") : std::nullopt;
	if (!buckets || buckets->type() != JsonType::Array)
		throw base::FormatError(spec.baseUrl +
					": malformed answer: no aggregations.recs.buckets");

	std::vector<RecordingEdges> list;
	for (std::size_t i = 0; i < buckets->arrayLength(); i++) {
		auto key = buckets->at(i).member("key");
		if (!key)
			continue;
		std::string rec(key->asString());
		std::string one = "(" + query + ") AND rec:\"" + rec + "\"";
		RecordingEdges edges;
		edges.rec = rec;
		for (bool last : {false, true}) {
			auto hits = hitsOf(search(curl, spec, searchBody(one, last, 1).toString()));
			if (hits.arrayLength() == 0)
				break;
			auto hit = hits.at(0);
			auto source = hit.member("_source");
			if (!source)
				throw base::FormatError(locationOf(hit) + ": no _source");
			(last ? edges.lastMessage : edges.firstMessage) = source->toString();
			if (!last)
				edges.location = locationOf(hit);
		}
		if (!edges.firstMessage.empty() && !edges.lastMessage.empty())
			list.push_back(std::move(edges));
	}
	return list;
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
