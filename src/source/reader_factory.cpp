// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/reader_factory.hpp"

#include "tlog/base/error.hpp"
#include "tlog/source/fd_reader.hpp"

namespace tlog::source {

std::unique_ptr<Reader> makeReader(const ReaderSpec &spec)
{
	// One line per reader.
	if (spec.type == "file") {
		if (spec.path.empty())
			throw base::UsageError("the file reader needs a file: give -i/--file-path "
					       "(or file.path), \"-\" for standard input");
		return std::make_unique<FdReader>(spec.path, spec.follow);
	}
	if (spec.type == "journal")
		throw base::ConfigError("the journal reader is not built yet");
	if (spec.type == "es")
		throw base::ConfigError("the Elasticsearch reader is not built yet");
	throw base::UsageError("unknown reader '" + spec.type + "' (file, journal, es)");
}

} // namespace tlog::source
