// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tlog::source {

/// Which journal the journal reader (journal_reader.hpp) reads, and its
/// own options; which recordings it reads is the Selection's.
struct JournalSpec {
	std::vector<std::string> directories; ///< -D: a journal directory (a remote host's)
	std::vector<std::string> files;	      ///< --file: journal files
	std::string nameSpace;		      ///< -N: a journal namespace
	/// FIELD=VALUE matches as sd_journal_add_match() takes them: on
	/// different fields ANDed, on one field ORed; "OR" (or "+") and "AND"
	/// combine the groups before and after them. The selection's matches
	/// are ANDed with all of them.
	std::vector<std::string> matches;
	/// Entries whose trusted _UID differs are skipped (forgery guard).
	std::optional<uid_t> trustedUid;
	std::string cursor;	  ///< start at this entry...
	bool afterCursor = false; ///< ...or just after it
};

} // namespace tlog::source
