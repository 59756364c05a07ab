// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/reader_factory.hpp"

#include <stdexcept>

#include "config.h"
#include "tlog/base/error.hpp"
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

/// What the factory knows of one reader type.
struct ReaderType {
	std::string_view type;
	bool takesStdin; ///< its path may be "-", standard input
	std::unique_ptr<Reader> (*make)(const ReaderSpec &);
	/// Its indexed listing; nullptr: none, it is read through.
	std::vector<RecordingEdges> (*list)(const ReaderSpec &);
	std::string (*name)(const ReaderSpec &); ///< the source, for messages
};

std::string pathName(const ReaderSpec &spec)
{
	return spec.path == "-" ? "standard input" : spec.path;
}

// One line per reader type: each reader's file pair holds its entries.
constexpr ReaderType kReaders[] = {
    {"file", true, makeFdReader, nullptr, pathName},
    {"asciicast", true, makeAsciicastReader, nullptr, pathName},
#if ENABLE_JOURNAL
    {"journal", false, makeJournalReader, listJournalRecordings,
     [](const ReaderSpec &) { return std::string("the journal"); }},
#endif
#if ENABLE_ELASTICSEARCH
    {"es", false, makeElasticReader, listElasticRecordings,
     [](const ReaderSpec &spec) { return spec.es.baseUrl; }},
#endif
};

const ReaderType *lookUp(std::string_view type) noexcept
{
	for (auto &r : kReaders)
		if (r.type == type)
			return &r;
	return nullptr;
}

const ReaderType &find(const std::string &type)
{
	if (const ReaderType *r = lookUp(type))
		return *r;
	std::string known;
	for (auto &r : kReaders)
		known += (known.empty() ? "" : ", ") + std::string(r.type);
	throw base::ConfigError("unknown reader '" + type + "' (this build has: " + known + ")");
}

} // namespace

std::unique_ptr<Reader> makeReader(const ReaderSpec &spec)
{
	return find(spec.type).make(spec);
}

bool hasIndex(std::string_view type) noexcept
{
	const ReaderType *r = lookUp(type);
	return r != nullptr && r->list != nullptr;
}

bool readsStandardInput(const ReaderSpec &spec) noexcept
{
	const ReaderType *r = lookUp(spec.type);
	return r != nullptr && r->takesStdin && spec.path == "-";
}

std::string sourceName(const ReaderSpec &spec)
{
	return find(spec.type).name(spec);
}

std::vector<RecordingEdges> listRecordings(const ReaderSpec &spec)
{
	const ReaderType &r = find(spec.type);
	if (r.list == nullptr)
		throw std::logic_error("the " + spec.type + " reader has no index to list");
	return r.list(spec);
}

} // namespace tlog::source
