// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/es_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <poll.h>

#include "tlog/base/clock.hpp"
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

ElasticSearch::ElasticSearch(const ElasticSpec &spec) : spec_(spec)
{
	curl_.setTimeout(spec_.timeout, std::min(spec_.timeout, std::chrono::milliseconds(10000)));
	curl_.setUserPassword(spec_.userPassword);
	curl_.setVerifyTls(spec_.verifyTls);
	curl_.setVerbose(spec_.verbose);
}

void ElasticSearch::start(std::string body, std::chrono::milliseconds delay)
{
	multi_.cancel(curl_);
	multi_.setAlarm(std::nullopt);
	body_ = std::move(body);
	attempt_ = 0;
	backoff_ = std::chrono::milliseconds(200);
	if (delay.count() > 0) {
		state_ = State::Pausing;
		multi_.setAlarm(delay);
	} else {
		request();
	}
}

void ElasticSearch::request()
{
	attempt_++;
	curl_.preparePost(spec_.baseUrl, body_);
	multi_.start(curl_);
	state_ = State::Requesting;
}

void ElasticSearch::retryAfter(const std::string &failure)
{
	state_ = State::Idle;
	if (spec_.attempts != 0 && attempt_ >= spec_.attempts)
		throw std::runtime_error(spec_.baseUrl + ": giving up after " +
					 std::to_string(attempt_) + " attempts: " + failure);
	// Without a limit (following), a long outage is said about once a
	// minute after the first few tries.
	if (attempt_ <= 5 || attempt_ % 12 == 0)
		base::logLine(spec_.baseUrl + ": " + failure + "; retrying");
	multi_.setAlarm(backoff_);
	backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(5000));
	state_ = State::Pausing;
}

std::optional<JsonRef> ElasticSearch::poll()
{
	if (state_ == State::Idle)
		return std::nullopt;
	auto done = multi_.perform();
	if (state_ == State::Pausing) {
		if (multi_.takeAlarm())
			request();
		return std::nullopt;
	}
	if (!done)
		return std::nullopt;
	HttpResponse response;
	try {
		response = curl_.finish(*done);
	} catch (const std::system_error &e) {
		// It names the URL first; the lines around it name it once.
		std::string failure = e.what();
		if (failure.rfind(spec_.baseUrl + ": ", 0) == 0)
			failure.erase(0, spec_.baseUrl.size() + 2);
		retryAfter(failure);
		return std::nullopt;
	}
	if (response.status < 200 || response.status >= 300) {
		std::string failure =
		    "HTTP " + std::to_string(response.status) + ": " + reasonOf(response.body);
		// 429: too many requests, Elasticsearch under load.
		if (response.status < 500 && response.status != 429) {
			state_ = State::Idle;
			throw std::runtime_error(spec_.baseUrl + ": " + failure);
		}
		retryAfter(failure);
		return std::nullopt;
	}
	state_ = State::Idle;
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
	return root;
}

JsonRef ElasticSearch::run(std::string body)
{
	start(std::move(body));
	for (;;) {
		if (auto answer = poll())
			return std::move(*answer);
		pollfd p{fd(), POLLIN, 0};
		if (::poll(&p, 1, -1) < 0 && errno != EINTR)
			base::throwErrno("waiting for " + spec_.baseUrl);
	}
}

namespace {

JsonRef hitsOf(const JsonRef &root)
{
	return *root.member("hits")->member("hits");
}

JsonRef sortById(bool descending)
{
	auto order = JsonRef::makeObject();
	order.set("order", JsonRef::makeString(descending ? "desc" : "asc"));
	auto key = JsonRef::makeObject();
	key.set("id", order);
	auto sort = JsonRef::makeArray();
	sort.append(key);
	return sort;
}

// A query_string query for @p size hits.
JsonRef queryBody(const std::string &query, std::size_t size)
{
	auto body = JsonRef::makeObject();
	auto queryString = JsonRef::makeObject();
	queryString.set("query", JsonRef::makeString(query));
	auto q = JsonRef::makeObject();
	q.set("query_string", queryString);
	body.set("query", q);
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

ElasticReader::ElasticReader(ElasticSpec spec, const Selection &select, bool follow)
    : spec_(std::move(spec)), follow_(follow), search_(spec_)
{
	spec_.query = selectionQuery(spec_.query, select);
	if (spec_.baseUrl.empty())
		throw base::ConfigError("es.baseurl: the Elasticsearch _search URL is not set");
	if (spec_.query.empty())
		throw base::ConfigError("es.query: no query: say which recording to play");
	// A live recording outlives an Elasticsearch restart: follow it
	// through one rather than give up after a few seconds.
	if (follow_)
		spec_.attempts = 0;
}

std::string ElasticReader::requestBody() const
{
	auto body = queryBody(spec_.query, spec_.pageSize);
	body.set("sort", sortById(false));
	if (searchAfter_)
		body.set("search_after", *searchAfter_);
	return body.toString();
}

void ElasticReader::takePage(const JsonRef &root)
{
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

std::optional<RawMessage> ElasticReader::read()
{
	for (;;) {
		if (!page_.empty()) {
			RawMessage message = std::move(page_.front());
			page_.pop_front();
			return message;
		}
		if (!search_.busy()) {
			if (drained_ && !follow_)
				return std::nullopt;
			// Following, at the end of the hits: asked again after
			// a pause that grows while nothing new comes.
			search_.start(requestBody(),
				      drained_ ? idleDelay_ : std::chrono::milliseconds{});
		}
		auto root = search_.poll();
		if (!root)
			return std::nullopt;
		takePage(*root);
		if (drained_)
			idleDelay_ = std::min(idleDelay_ * 2, std::chrono::milliseconds(5000));
		else
			idleDelay_ = std::chrono::milliseconds(250);
	}
}

std::unique_ptr<Reader> makeElasticReader(const ReaderSpec &spec)
{
	return std::make_unique<ElasticReader>(spec.es, spec.select, spec.follow);
}

namespace {

// The first or last hit of a top_hits aggregation in @p bucket; nullopt
// when it has none.
std::optional<JsonRef> edgeHit(const JsonRef &bucket, const char *name)
{
	auto agg = bucket.member(name);
	auto hits = agg ? agg->member("hits") : std::nullopt;
	auto list = hits ? hits->member("hits") : std::nullopt;
	if (!list || list->type() != JsonType::Array || list->arrayLength() == 0)
		return std::nullopt;
	return list->at(0);
}

JsonRef edgeAggregation(bool last)
{
	auto topHits = JsonRef::makeObject();
	topHits.set("size", JsonRef::makeInt(1));
	topHits.set("sort", sortById(last));
	auto agg = JsonRef::makeObject();
	agg.set("top_hits", topHits);
	return agg;
}

} // namespace

std::vector<RecordingEdges> listElasticRecordings(const ReaderSpec &readerSpec)
{
	ElasticSpec spec = readerSpec.es;
	spec.query = selectionQuery(spec.query, readerSpec.select);
	if (spec.baseUrl.empty())
		throw base::ConfigError("es.baseurl: the Elasticsearch _search URL is not set");
	ElasticSearch search(spec);
	std::string query = spec.query.empty() ? "*" : spec.query;
	const std::string where = spec.baseUrl + ": malformed answer: ";

	// The recordings: a composite aggregation on rec (its keyword
	// sub-field, as Elasticsearch maps a string by default), each bucket
	// with its first and last message, a page at a time.
	std::vector<RecordingEdges> list;
	std::optional<JsonRef> after;
	base::ProgressLine progress;
	for (;;) {
		auto body = queryBody(query, 0);
		auto terms = JsonRef::makeObject();
		terms.set("field", JsonRef::makeString("rec.keyword"));
		auto source = JsonRef::makeObject();
		source.set("terms", terms);
		auto named = JsonRef::makeObject();
		named.set("rec", source);
		auto sources = JsonRef::makeArray();
		sources.append(named);
		auto composite = JsonRef::makeObject();
		composite.set("size", JsonRef::makeInt(static_cast<std::int64_t>(kListPage)));
		composite.set("sources", sources);
		if (after)
			composite.set("after", *after);
		auto edges = JsonRef::makeObject();
		edges.set("first", edgeAggregation(false));
		edges.set("last", edgeAggregation(true));
		auto recs = JsonRef::makeObject();
		recs.set("composite", composite);
		recs.set("aggs", edges);
		auto aggs = JsonRef::makeObject();
		aggs.set("recs", recs);
		body.set("aggs", aggs);

		auto root = search.run(body.toString());
		auto agg = root.member("aggregations");
		auto byRec = agg ? agg->member("recs") : std::nullopt;
		auto buckets = byRec ? byRec->member("buckets") : std::nullopt;
		if (!buckets || buckets->type() != JsonType::Array)
			throw base::FormatError(where + "no aggregations.recs.buckets");
		std::size_t n = buckets->arrayLength();
		for (std::size_t i = 0; i < n; i++) {
			auto bucket = buckets->at(i);
			auto key = bucket.member("key");
			auto rec = key ? key->member("rec") : std::nullopt;
			if (!rec || rec->type() != JsonType::String)
				throw base::FormatError(where + "a bucket without key.rec");
			auto first = edgeHit(bucket, "first");
			auto last = edgeHit(bucket, "last");
			if (!first || !last)
				continue;
			RecordingEdges one;
			one.rec = std::string(rec->asString());
			one.location = locationOf(*first);
			for (auto [hit, text] : {std::pair{&*first, &one.firstMessage},
						 std::pair{&*last, &one.lastMessage}}) {
				auto doc = hit->member("_source");
				if (!doc || doc->type() != JsonType::Object)
					throw base::FormatError(locationOf(*hit) +
								": no _source object");
				*text = doc->toString();
			}
			list.push_back(std::move(one));
		}
		if (progress.due(base::monotonicNow()))
			progress.show("listing recordings: " + std::to_string(list.size()) +
				      " found");
		after = byRec->member("after_key");
		if (n < kListPage || !after)
			break;
	}
	return list;
}

} // namespace tlog::source
