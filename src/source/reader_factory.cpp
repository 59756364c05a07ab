// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/reader_factory.hpp"

#include <algorithm>
#include <map>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/json/json_ref.hpp"
#include "tlog/source/asciicast_reader.hpp"
#include "tlog/source/fd_reader.hpp"
#if ENABLE_JOURNAL
#include "tlog/source/journal_reader.hpp"
#endif
#if ENABLE_ELASTICSEARCH
#include "tlog/source/es_reader.hpp"
#endif

namespace tlog::source {

namespace {

std::unique_ptr<Reader> makeFile(const ReaderSpec &spec)
{
	if (spec.path.empty())
		throw base::UsageError("the file reader needs a file: give -i/--file-path "
				       "(or file.path), \"-\" for standard input");
	return std::make_unique<FdReader>(spec.path, spec.follow);
}

// A file has no index: read it through, keeping each recording's edges.
std::vector<RecordingEdges> listFile(const ReaderSpec &spec)
{
	ReaderSpec once = spec;
	once.follow = false;
	auto reader = makeFile(once);
	std::vector<RecordingEdges> list;
	std::map<std::string, std::size_t> index;
	base::ProgressLine progress;
	std::size_t messages = 0;
	while (auto raw = reader->read()) {
		if (progress.due(base::monotonicNow()))
			progress.show("listing recordings: " + std::to_string(messages) +
				      " messages read, " + std::to_string(list.size()) +
				      (list.size() == 1 ? " recording" : " recordings"));
		messages++;
		json::JsonRef message;
		try {
			message = json::JsonRef::parse(raw->text);
		} catch (const std::system_error &e) {
			throw base::FormatError(raw->location + ": invalid JSON: " + e.what());
		}
		auto recField = message.member("rec");
		std::string rec = recField ? std::string(recField->asString()) : std::string();
		auto [it, added] = index.emplace(rec, list.size());
		if (added)
			list.push_back(RecordingEdges{rec, raw->text, raw->text, raw->location, 0, {}, 0});
		else
			list[it->second].lastMessage = std::move(raw->text);
	}
	return list;
}

#if ENABLE_JOURNAL
JournalSpec journalSpec(const ReaderSpec &spec)
{
	JournalSpec journal = spec.journal;
	if (!spec.rec.empty())
		journal.rec = spec.rec;
	return journal;
}

std::unique_ptr<Reader> makeJournal(const ReaderSpec &spec)
{
	return std::make_unique<JournalReader>(journalSpec(spec), spec.follow);
}

std::vector<RecordingEdges> listJournal(const ReaderSpec &spec)
{
	return listJournalRecordings(journalSpec(spec));
}
#endif

#if ENABLE_ELASTICSEARCH
ElasticSpec elasticSpec(const ReaderSpec &spec)
{
	ElasticSpec es = spec.es;
	if (!spec.rec.empty())
		es.query = es.query.empty() ? "rec:\"" + spec.rec + "\""
					    : "(" + es.query + ") AND rec:\"" + spec.rec + "\"";
	return es;
}

std::unique_ptr<Reader> makeElastic(const ReaderSpec &spec)
{
	return std::make_unique<ElasticReader>(elasticSpec(spec), spec.follow);
}

std::vector<RecordingEdges> listElastic(const ReaderSpec &spec)
{
	return listElasticRecordings(elasticSpec(spec));
}
#endif

struct Maker {
	const char *type;
	std::unique_ptr<Reader> (*make)(const ReaderSpec &);
	std::vector<RecordingEdges> (*list)(const ReaderSpec &);
};

// One line per reader type.
constexpr Maker kMakers[] = {
	{"file", makeFile, listFile},
	{"asciicast", makeAsciicastReader, listAsciicastRecordings},
#if ENABLE_JOURNAL
	{"journal", makeJournal, listJournal},
#endif
#if ENABLE_ELASTICSEARCH
	{"es", makeElastic, listElastic},
#endif
};

const Maker &find(const std::string &type)
{
	for (auto &m : kMakers)
		if (type == m.type)
			return m;
	std::string known;
	for (auto &m : kMakers)
		known += (known.empty() ? "" : ", ") + std::string(m.type);
	throw base::UsageError("unknown reader '" + type + "' (this build has: " + known + ")");
}

} // namespace

std::unique_ptr<Reader> makeReader(const ReaderSpec &spec)
{
	return find(spec.type).make(spec);
}

std::vector<RecordingEdges> listRecordings(const ReaderSpec &spec)
{
	return find(spec.type).list(spec);
}

} // namespace tlog::source
