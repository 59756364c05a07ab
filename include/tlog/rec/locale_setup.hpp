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

/// Sets the program's locale from the environment and checks its
/// character set is UTF-8, as recordings are UTF-8. When the environment
/// names no locale at all (LC_ALL, LC_CTYPE and LANG unset, as after a
/// Fedora/RHEL login), first takes the variables from the first of
/// @p files that sets any and puts them into the environment, so the
/// shell gets them too.
/// Throws: std::runtime_error naming the locale and the charset found.
void setupUtf8Locale(const std::vector<std::string> &files = {"/etc/locale.conf",
							      "/etc/default/locale"});

} // namespace tlog::rec
