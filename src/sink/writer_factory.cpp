// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/writer_factory.hpp"

#include <string_view>

#include "config.h"
#include "tlog/base/error.hpp"

namespace tlog::sink {

namespace {

struct Maker {
	std::string_view type;
	std::unique_ptr<Writer> (*make)(const WriterSpec &);
};

std::unique_ptr<Writer> makeFile(const WriterSpec &spec)
{
	if (spec.file.path.empty())
		throw base::ConfigError("the file writer needs a file path (file.path)");
	return std::make_unique<FileWriter>(spec.file.path);
}

std::unique_ptr<Writer> makeSyslog(const WriterSpec &spec)
{
	return std::make_unique<SyslogWriter>(spec.syslog.facility, spec.syslog.priority,
					      spec.syslog.socket);
}

#if ENABLE_JOURNAL
std::unique_ptr<Writer> makeJournal(const WriterSpec &spec)
{
	return std::make_unique<JournalWriter>(spec.journal);
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
	throw base::ConfigError("unknown writer '" + spec.type + "' (this build has: " + known +
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
