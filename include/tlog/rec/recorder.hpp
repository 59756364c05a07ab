// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "tlog/codec/message.hpp"
#include "tlog/codec/signature.hpp"

namespace tlog::sink {
class Writer;
} // namespace tlog::sink

namespace tlog::rec {

/// What to record and how.
struct RecorderOptions {
	/// The program and its arguments; empty runs $SHELL, else /bin/sh.
	std::vector<std::string> command;
	std::chrono::seconds latency{10};
	/// Bounds each message's payload; lowered for a writer whose
	/// messages are bounded (Writer::maxMessageSize()) where the
	/// envelope leaves less room, refused where it can never fit.
	std::size_t payload = 2048;
	bool logInput = false;
	bool logOutput = true;
	bool logWindow = true;
	/// The user's side. The program runs on a pty when inFd or outFd is
	/// a terminal, else on pipes. Tests pass a pty of their own here.
	int inFd = STDIN_FILENO;
	int outFd = STDOUT_FILENO;
	int errFd = STDERR_FILENO;
	/// The argv[0] string the program sees, when not command[0] (a login
	/// shell's "-bash"); command[0] is still the file that is run.
	std::string exec0;
	/// Called in the parent right after the program started and before
	/// anything is written, with the pty master (-1 on pipes, borrowed):
	/// tlog-rec-session adds its utmp record and drops privileges here
	/// (its writer was made and checked before). An exception ends the recording before it
	/// began (the program is hung up).
	std::function<void(int ptyMaster)> afterSpawn;
	/// Signs the recording (see codec/signature.hpp): every message is
	/// chained, and one is signed at each flush point (the latency, the
	/// end) and at least every signInterval while data flows.
	std::optional<codec::SigningKey> signingKey;
	std::chrono::milliseconds signInterval{1000};
};

/// How a recording ended.
struct RecordResult {
	/// The program's status as a shell reports it (code, or 128+N).
	int exitStatus = 0;
	/// Set when the recorder itself got SIGINT, SIGTERM or SIGHUP: the
	/// caller should SignalSet::reraise() it once everything is cleaned up.
	std::optional<int> signal;
};

/// Runs a program between the user's terminal (or stdio) and a pty (or
/// pipes), copies everything both ways, and turns what passes into
/// messages for a writer. Single-threaded; one recording per object.
///
/// While running it owns the process's handling of SIGCHLD, SIGWINCH,
/// SIGINT, SIGTERM and SIGHUP (blocked and read from a signalfd; a
/// multi-threaded caller must block them in its other threads). The
/// user's terminal is in raw mode and its fds non-blocking until run()
/// returns or throws.
class Recorder {
public:
	/// @p writer is borrowed and must outlive the recorder.
	Recorder(RecorderOptions options, codec::Envelope envelope, sink::Writer &writer);

	/// Records until the program exits (or the recorder is signalled),
	/// then writes the last message and flushes the writer. Before the
	/// program starts, fits the payload to the writer's bound (a warning
	/// on stderr when a long envelope lowers it).
	/// Throws: base::ConfigError for a payload the writer's messages can
	/// never hold, std::runtime_error for an envelope that leaves them no
	/// room (both before the program starts); std::system_error for a
	/// failed system call; whatever the writer throws (the recording
	/// stops: the program gets SIGHUP).
	RecordResult run();

private:
	RecorderOptions options_;
	codec::Envelope envelope_;
	sink::Writer &writer_;
};

/// The command to record: @p command itself, else $SHELL, else /bin/sh.
std::vector<std::string> resolveCommand(const std::vector<std::string> &command);

} // namespace tlog::rec
