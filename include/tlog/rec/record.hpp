// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tlog/codec/message.hpp"
#include "tlog/rec/recorder.hpp"
#include "tlog/sink/writer_factory.hpp"

namespace tlog::conf {
struct RecConfig;
} // namespace tlog::conf

namespace tlog::rec {

/// What one recording run needs besides the configuration.
struct RecordRequest {
	/// The program and its arguments (empty: $SHELL, else /bin/sh).
	std::vector<std::string> command;
	/// argv[0] as the program sees it, when not command[0].
	std::string exec0;
	/// The journal's SYSLOG_IDENTIFIER: the program name.
	std::string identifier;
	/// The envelope; makeEnvelope() when not given.
	std::optional<codec::Envelope> envelope;
	/// When set, called in the parent right after the program started
	/// with the pty master (-1 on pipes; see RecorderOptions::afterSpawn),
	/// and the writer is made only after it returned (tlog-rec-session:
	/// drop privileges first, open sd-journal after the fork). When not
	/// set, the writer is made before the program starts, so a bad
	/// writer setting is reported without running anything.
	std::function<void(int ptyMaster)> afterSpawn;
};

/// The writer settings of @p config, for sink::makeWriter().
sink::WriterSpec writerSpec(const conf::RecConfig &config, std::string identifier);

/// Records one program as @p config says: the writer it names (behind a
/// rate limiter unless limit.action is "pass"), a Recorder, the result.
/// The writer is gone (and has reported dropped messages) on return.
/// @p config must have been validated.
/// Throws: std::invalid_argument or std::system_error when the writer
/// cannot be made; whatever Recorder::run() and the hook throw.
RecordResult record(const conf::RecConfig &config, RecordRequest request);

} // namespace tlog::rec
