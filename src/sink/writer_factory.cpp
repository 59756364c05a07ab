// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/writer_factory.hpp"

#include <functional>
#include <stdexcept>
#include <string_view>

#include "config.h"
#include "tlog/sink/file_writer.hpp"
#include "tlog/sink/syslog_writer.hpp"
#if ENABLE_JOURNAL
#include "tlog/sink/journal_writer.hpp"
#endif

namespace tlog::sink {

namespace {

struct Maker {
	std::string_view type;
	std::unique_ptr<Writer> (*make)(const WriterSpec &);
};

std::unique_ptr<Writer> makeFile(const WriterSpec &spec)
{
	if (spec.filePath.empty())
		throw std::invalid_argument("the file writer needs a file path (file.path)");
	return std::make_unique<FileWriter>(spec.filePath);
}

std::unique_ptr<Writer> makeSyslog(const WriterSpec &spec)
{
	return std::make_unique<SyslogWriter>(spec.syslogFacility, spec.syslogPriority,
					      spec.syslogSocket);
}

#if ENABLE_JOURNAL
std::unique_ptr<Writer> makeJournal(const WriterSpec &spec)
{
	JournalWriter::Options options;
	options.priority = spec.journalPriority;
	options.augment = spec.journalAugment;
	options.identifier = spec.identifier;
	options.bufferBytes = spec.journalBuffer;
	options.failOnOverflow = spec.journalFailOnOverflow;
	options.rateBurst = spec.journalRateBurst;
	options.rateInterval = std::chrono::seconds(spec.journalRateInterval);
	return std::make_unique<JournalWriter>(std::move(options));
}
#endif

// One line per writer type.
constexpr Maker kMakers[] = {
    {"file", makeFile},
    {"syslog", makeSyslog},
#if ENABLE_JOURNAL
    {"journal", makeJournal},
#endif
};

} // namespace

std::unique_ptr<Writer> makeWriter(const WriterSpec &spec)
{
	for (auto &m : kMakers)
		if (m.type == spec.type)
			return m.make(spec);
	std::string known;
	for (auto &m : kMakers)
		known += (known.empty() ? "" : ", ") + std::string(m.type);
	throw std::invalid_argument("unknown writer '" + spec.type + "' (this build has: " + known +
				    ")");
}

std::vector<std::string> writerTypes()
{
	std::vector<std::string> types;
	for (auto &m : kMakers)
		types.emplace_back(m.type);
	return types;
}

} // namespace tlog::sink
