// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Everything any writer needs to be made, as plain values.
struct WriterSpec {
	std::string type = "file"; ///< "file", "syslog", "journal"
	std::string filePath;
	std::string syslogFacility = "authpriv";
	std::string syslogPriority = "info";
	std::string syslogSocket = "/dev/log";
	std::string journalPriority = "info";
	bool journalAugment = true;
	std::size_t journalBuffer = 16 << 20; ///< bytes held while the journal is away
	bool journalFailOnOverflow = false;   ///< else delay the session
	std::size_t journalRateBurst = 8000;  ///< entries per interval, 0: no pacing
	unsigned journalRateInterval = 30;    ///< seconds
	std::string identifier = "tlog-rec"; ///< the program name, for the journal
};

/// Makes the writer named by @p spec.type.
/// Throws: std::invalid_argument for an unknown (or not built) type or a
/// missing file path; whatever the writer's constructor throws.
std::unique_ptr<Writer> makeWriter(const WriterSpec &spec);

/// The writer types this build can make.
std::vector<std::string> writerTypes();

} // namespace tlog::sink
