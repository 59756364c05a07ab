// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>

#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// Sends each message as one journal entry: MESSAGE (the JSON), PRIORITY,
/// SYSLOG_IDENTIFIER and, with augment, TLOG_REC, TLOG_USER,
/// TLOG_SESSION, TLOG_ID and TLOG_HOST. Built only with the journal
/// feature; ask the writer factory for one instead of naming this class.
class JournalWriter final : public Writer {
public:
	/// @p priority is a syslog priority name ("info"); @p identifier
	/// goes to SYSLOG_IDENTIFIER (the program name).
	/// Throws: std::invalid_argument for an unknown priority.
	JournalWriter(std::string_view priority, bool augment, std::string identifier);

	/// Throws: std::system_error with the journal's error code.
	void write(std::string_view message, const MessageFields &fields) override;

private:
	std::string priorityField_;
	std::string identifierField_;
	bool augment_;
};

} // namespace tlog::sink
