// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <vector>

#include "tlog/play/recording_list.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::conf {
struct PlayConfig;
} // namespace tlog::conf

namespace tlog::play {

struct CommandLine;

/// What tlog-play is asked to do besides its configuration.
struct PlaybackRequest {
	bool list = false;	  ///< list the recordings, play none
	bool json = false;	  ///< the list as JSON
	int outFd = 1;		  ///< where output (or the list) goes
	int keyFd = -1;		  ///< a terminal to read keys from, or -1
	std::string exportFormat; ///< "asciicast", "text": write it there instead of playing
	std::string exportPath;	  ///< the export's file; empty or "-": outFd
	std::string search;	  ///< the pattern for n/N and listMatches
	bool listMatches = false; ///< print where the pattern shows instead of playing
	std::string inputPath;	  ///< where recorded input is written; empty: nowhere
	std::string verifyKey;	  ///< check the signatures with this key (file or directory)
};

/// The reader description @p config makes: the selection (rec or
/// file.match, user, host, session, the time bounds), which the reader
/// translates into its own query, and each reader's own options; the
/// trusted uid is resolved, a cursor file is read.
/// Throws: base::UsageError for contradicting or malformed settings.
source::ReaderSpec readerSpec(const conf::PlayConfig &config);

/// Summaries of the recordings @p spec selects and @p select matches,
/// oldest first: from the index of a source that has one, else read
/// through with the codec.
/// Throws: as source::listRecordings() and source::makeReader(),
/// base::FormatError.
std::vector<RecordingInfo> listSelected(const source::ReaderSpec &spec, const Selection &select);

/// Lists (request.list), exports (request.exportFormat) or plays one
/// recording as @p config says. When the journal or Elasticsearch
/// selection matches several recordings, it plays the newest and names
/// the others on stderr, or with "strict" refuses with the list;
/// recordings are never interleaved. With a cursor file, the position
/// reached is stored there at the end (not for an export). Keys are read
/// from request.keyFd unless the reader reads standard input. Returns
/// the signal that ended playback, or 0.
/// Throws: base::UsageError, base::FormatError, std::runtime_error,
/// std::system_error.
int runPlayback(const conf::PlayConfig &config, const PlaybackRequest &request);

/// tlog-play: answers --help, --version and --configuration, or loads the
/// configuration (files, environment, then @p commandLine's settings) and
/// runs runPlayback() on standard output, with keys from standard input
/// when it is a terminal. Dies of the signal that ended playback, or of
/// SIGPIPE when the output pipe was closed, once the terminal is restored.
/// Returns the exit status.
/// Throws: as runPlayback(); base::UsageError for a bad option value.
int runPlayer(const CommandLine &commandLine);

} // namespace tlog::play
