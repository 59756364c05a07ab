// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <memory>
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

struct CommandLine;

/// What one recording run needs besides the configuration and the writer.
struct RecordRequest {
	/// The program and its arguments (empty: $SHELL, else /bin/sh).
	std::vector<std::string> command;
	/// argv[0] as the program sees it, when not command[0].
	std::string exec0;
	/// The envelope; makeEnvelope() when not given.
	std::optional<codec::Envelope> envelope;
	/// When set, called in the parent right after the program started
	/// with the pty master (-1 on pipes; see RecorderOptions::afterSpawn):
	/// tlog-rec-session notes its terminal and drops privileges there.
	std::function<void(int ptyMaster)> afterSpawn;
	/// The key that signs the recording (loadSigningKey(), called with
	/// the ids that may read it: tlog-rec-session's are the recorder's
	/// only until record() runs); none: not signed.
	std::optional<codec::SigningKey> signingKey;
};

/// Makes the writer @p config names (behind a rate limiter unless
/// limit.action is "pass"; @p identifier is the program name for the
/// journal) and checks that it can log now (Writer::checkReady()). Call
/// it before the program exists, with the ids the recording is written
/// as: a writer that cannot log must stop the recording from starting,
/// never find out once the program runs unrecorded.
/// Throws: base::ConfigError for a bad writer setting, std::system_error
/// when the writer cannot be opened or cannot log.
std::unique_ptr<sink::Writer> openWriter(const conf::RecConfig &config,
					 const std::string &identifier);

/// The signing key at @p path (sign.key): a regular file, not a link,
/// owned by the recorder's user (the tlog user for tlog-rec-session) or
/// root, that no one else may read or write.
/// Throws: base::ConfigError naming the path and what is wrong with it.
codec::SigningKey loadSigningKey(const std::string &path);

/// Records one program as @p config says into @p writer (borrowed; from
/// openWriter()). @p config must have been validated.
/// Throws: whatever Recorder::run() and the hook throw.
RecordResult record(const conf::RecConfig &config, RecordRequest request, sink::Writer &writer);

/// Ends a recording run: closes @p writer (it reports dropped messages
/// before we go), dies of the signal that ended the program when one did,
/// else returns the program's exit status for ours.
/// Throws: what closing the writer throws.
int finishRecording(const RecordResult &result, std::unique_ptr<sink::Writer> writer);

/// tlog-rec: answers --help, --version and --configuration, or loads the
/// configuration (files, environment, then @p cl's settings), opens the
/// writer and records @p cl's command. Returns the exit status.
/// Throws: base::UsageError for a bad option value, base::ConfigError for
/// a bad setting, whatever openWriter() and record() throw.
int runRecorder(const CommandLine &cl);

} // namespace tlog::rec
