// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/play/snapshot_store.hpp"

namespace tlog::play {

/// The snapshots of a recording file kept between runs, so that the next
/// play of the same recording seeks at once: one entry file per recording
/// in a directory (defaultDirectory(): $XDG_CACHE_HOME/tlog/seek), mode
/// 0600 in directories of mode 0700, since screens of an audit recording
/// are as private as the recording.
///
/// An entry belongs to a file's path and what shapes the snapshots
/// (@p shape: the stream's options), and holds the SHA-256 digest of the
/// content it was made from: it is served only to that very content (the
/// caller takes digest() before using it), so a file that grew or was
/// rewritten, even within the same second and to the same size, is never
/// served an entry of its old content; it is indexed again. A damaged or
/// truncated entry (its checksum) is a miss as well. The directory stays
/// under its bound (kMaxBytes): saving an entry removes the least recently
/// used ones past it.
class SnapshotCache {
public:
	static constexpr std::uint64_t kMaxBytes = std::uint64_t{256} << 20;

	/// What an entry holds: a SnapshotStore's snapshots and interval.
	struct Entry {
		base::Timestamp every;
		std::vector<Snapshot> snapshots;
	};

	/// $XDG_CACHE_HOME/tlog/seek, or ~/.cache/tlog/seek (HOME); "" when
	/// neither is set (no cache).
	static std::string defaultDirectory();

	/// The entry for the recording file @p path read with @p shape, in
	/// @p directory, which holds at most @p maxBytes; nullopt when
	/// @p path is not a regular file (a pipe, a terminal: nothing to keep)
	/// or @p directory is "".
	/// Throws: std::bad_alloc.
	static std::optional<SnapshotCache> forFile(const std::string &path,
						    const std::string &shape,
						    const std::string &directory,
						    std::uint64_t maxBytes = kMaxBytes);

	/// The SHA-256 digest of the recording file's content now (reading it
	/// all); nullopt when it cannot be read, or once @p stop is requested
	/// (a player quitting does not wait for a long file's digest).
	/// Throws: std::bad_alloc.
	std::optional<std::string> digest(std::stop_token stop = {}) const;
	/// The entry, when one was saved for this file and shape from the
	/// content whose digest() is @p digest, and is whole; marks it used
	/// (its modification time).
	/// Throws: std::bad_alloc.
	std::optional<Entry> load(const std::string &digest) const;
	/// Keeps @p snapshots (of a store that takes one every @p every), made
	/// from the content whose digest() is @p digest. Removes the least
	/// recently used entries past the bound.
	/// Throws: std::system_error when the entry cannot be written.
	void save(const std::string &digest, base::Timestamp every,
		  const std::vector<Snapshot> &snapshots) const;

	/// The entry's file.
	const std::string &entryPath() const noexcept { return entryPath_; }

private:
	SnapshotCache(std::string recording, std::string directory, std::string key,
		      std::uint64_t maxBytes);
	/// The entries' directory, checked to be this user's alone (made, with
	/// the missing ones above it, when @p create); none when it is not.
	base::UniqueFd openDirectory(bool create) const;
	/// Removes the least recently used entries while the directory
	/// (@p dir, from openDirectory()) holds more than maxBytes_.
	void trim(int dir) const noexcept;

	std::string recording_; // the recording file
	std::string directory_;
	std::string key_; // the file's path and the shape, in full
	std::string entryName_;
	std::string entryPath_;
	std::uint64_t maxBytes_;
};

} // namespace tlog::play
