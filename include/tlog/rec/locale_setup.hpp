// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tlog::rec {

/// The locale variables (LANG, LC_*) set in a file of the form of
/// /etc/locale.conf or /etc/default/locale: NAME=VALUE lines, values
/// optionally quoted, comments and other names skipped. A missing file
/// gives nothing.
std::vector<std::pair<std::string, std::string>> readLocaleFile(const std::string &path);

/// Sets the program's locale from the environment. When the environment
/// names no locale at all (LC_ALL, LC_CTYPE and LANG unset, as after a
/// Fedora/RHEL login), first takes the variables from the first of
/// @p files that sets any and puts them into the environment, so the
/// shell gets them too.
/// The recording does not depend on the locale (output that is not UTF-8
/// is kept byte for byte in the messages' binary fields), so a locale
/// that is missing or not UTF-8 is no reason to refuse a session: the
/// returned text is a warning to show once, empty when all is well.
/// Never throws but std::bad_alloc.
std::string setupLocale(const std::vector<std::string> &files = {"/etc/locale.conf",
								 "/etc/default/locale"});

} // namespace tlog::rec
