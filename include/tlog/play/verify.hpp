// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

#include "tlog/play/recording_list.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::play {

/// What --verify checks.
struct VerifyOptions {
	std::string keyPath; ///< a public key (PEM), or a directory of HOST.pub
	std::string match;   ///< the recording id; empty: the first one met
	Selection select;    ///< only messages it matches
};

/// --verify: reads the recording @p options select to its end and
/// checks its hash chain and signatures (codec::ChainVerifier). Writes
/// one line to @p fd: "REC: intact: ..." or "REC: NOT INTACT: WHY".
/// Returns true when the recording is intact to its signed end.
/// Throws: base::ConfigError for a key that cannot be read,
/// std::runtime_error when no recording matches, what the reader throws;
/// base::FormatError for a message that does not parse.
bool verifyRecording(source::Reader &reader, const VerifyOptions &options, int fd);

} // namespace tlog::play
