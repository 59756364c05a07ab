// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tlog/sink/file_writer.hpp"
#include "tlog/sink/journal_writer.hpp"
#include "tlog/sink/syslog_writer.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Everything any writer needs to be made, as plain values: which writer,
/// and each writer's own options, nested as their configuration keys are
/// ("file.path", "journal.buffer"). The configuration binds its keys to
/// these fields, so nothing is copied on the way to the writer.
struct WriterSpec {
	std::string type = "file"; ///< "file", "syslog", "journal"
	FileWriter::Options file;
	SyslogWriter::Options syslog;
	/// Its identifier is the program's name (SYSLOG_IDENTIFIER).
	JournalWriter::Options journal;
};

/// Makes the writer named by @p spec.type.
/// Throws: base::ConfigError for an unknown (or not built) type or a
/// missing file path; whatever the writer's constructor throws.
std::unique_ptr<Writer> makeWriter(const WriterSpec &spec);

/// The writer types this build can make.
std::vector<std::string> writerTypes();

} // namespace tlog::sink
