// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tlog/codec/message.hpp"

namespace tlog::rec {

/// The fully qualified name of this host: gethostname(), then the
/// canonical name from getaddrinfo(); the short name when that fails.
std::string hostName();

/// A recording id unique on this host: boot id (hex, no dashes) "-" pid in
/// hex "-" process start time in jiffies in hex.
/// Throws: std::system_error when /proc cannot be read.
std::string recordingId();

/// The audit session id from /proc/self/sessionid, or nullopt when that
/// file is missing or unreadable.
std::optional<std::uint32_t> auditSession() noexcept;

/// The name of the real user.
/// Throws: std::runtime_error when the uid has no name.
std::string userName();

/// The envelope of a recording made by this process: host, rec, user,
/// $TERM and session. A missing session id becomes codec::kNoSession with
/// a one-line warning on stderr.
/// Throws: as recordingId() and userName().
codec::Envelope makeEnvelope();

} // namespace tlog::rec
