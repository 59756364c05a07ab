// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/conf/options.hpp"

namespace tlog::rec {

/// tlog-rec-session's command line:
/// [-l] [-i] [-c CMD_STRING [CMD_NAME [ARG...]]] or [CMD_FILE [ARG...]].
struct SessionCommandLine : conf::ProgramOptions {
	/// -l, or argv[0] starting with '-' (login(1), su -, sshd).
	bool login = false;
	bool interactive = false; ///< -i
	bool command = false;	  ///< -c: args[0] is CMD_STRING
	/// The program name without its login dash (for the "-shell-" form).
	std::string programName;
	std::vector<std::string> args;
};

/// Parses @p argv as getopt would, stopping at the first non-option.
/// Throws: base::UsageError (an unknown option, -c without CMD_STRING).
SessionCommandLine parseSessionCommandLine(int argc, char *argv[]);

/// The text of tlog-rec-session --help.
const char *sessionUsageText() noexcept;

/// The shell encoded in a program name of the form
/// "tlog-rec-session-shell-bin-zsh" (/bin/zsh): after "-shell-", each '-'
/// stands for '/' and a backslash keeps the next character as it is.
/// nullopt when @p name has no "-shell-".
std::optional<std::string> shellFromProgramName(std::string_view name);

/// The shell to run: @p configured (the "shell" key), overridden by
/// $TLOG_REC_SESSION_SHELL, overridden by the program name.
std::string chooseShell(const std::string &configured, const SessionCommandLine &cl);

/// A shell's argv and the argv[0] it is shown.
struct ShellCommand {
	std::vector<std::string> argv; ///< argv[0] is the shell's path
	std::string exec0;	       ///< "-bash" for a login shell, else the path
};

/// How @p shell is run for @p cl: -i and -c passed on, then the
/// arguments; a login shell's argv[0] is '-' and its base name.
ShellCommand shellCommand(const std::string &shell, const SessionCommandLine &cl);

/// Whether the notice belongs on the terminal: it is one (stdout), and
/// the session is interactive (no -c, or -c with -i).
bool wantsNotice(const SessionCommandLine &cl, int outFd) noexcept;

} // namespace tlog::rec
