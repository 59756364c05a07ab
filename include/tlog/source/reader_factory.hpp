// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>
#include <string>

#include "tlog/source/reader.hpp"

namespace tlog::source {

/// What to read a recording from, as plain data (filled from PlayConfig).
struct ReaderSpec {
	std::string type = "file"; ///< "file"; "journal" and "es" later
	std::string path;          ///< file: a path, "-" for standard input
	bool follow = false;       ///< wait for more once the end is reached
};

/// Makes the reader @p spec describes.
/// Throws: base::UsageError for an unknown or missing setting,
/// base::ConfigError for a reader this build does not have,
/// std::system_error when the source cannot be opened.
std::unique_ptr<Reader> makeReader(const ReaderSpec &spec);

} // namespace tlog::source
