// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/session_command.hpp"

#include <cstdlib>

#include <unistd.h>

#include "config.h"
#include "tlog/base/error.hpp"

namespace tlog::rec {

namespace {

constexpr const char *kUsage = R"(Usage: tlog-rec-session [OPTION...] [CMD_FILE [CMD_ARG...]]
       tlog-rec-session -c [OPTION...] CMD_STRING [CMD_NAME [CMD_ARG...]]
Start the user's shell under recording: a login shell for recorded users.

  -h, --help           print this help and exit
  -v, --version        print the version and exit
      --configuration  print the merged configuration as JSON and exit
  -l, --login          make the shell a login shell (also when argv[0]
                       starts with '-')
  -i, --interactive    pass -i to the shell
  -c, --command        pass -c and CMD_STRING to the shell

The shell comes from the "shell" key (default /bin/bash), then
$TLOG_REC_SESSION_SHELL, then a program name like
tlog-rec-session-shell-bin-zsh. Configuration: )" TLOG_SYSCONFDIR
			       R"(/tlog/tlog-rec-session.conf,
then the file named by $TLOG_REC_SESSION_CONF_FILE, then the JSON in
$TLOG_REC_SESSION_CONF_TEXT. See tlog-rec-session(8), tlog-rec-session.conf(5).
)";

// The shell's options: none sets a key.
constexpr conf::Option kOptions[] = {
    {"login", 'l'},
    {"interactive", 'i'},
    {"command", 'c'},
};

} // namespace

SessionCommandLine parseSessionCommandLine(int argc, char *argv[])
{
	SessionCommandLine cl;
	std::string_view name = argc > 0 && argv[0] != nullptr ? argv[0] : "tlog-rec-session";
	if (!name.empty() && name.front() == '-') {
		cl.login = true;
		name.remove_prefix(1);
	}
	if (auto slash = name.rfind('/'); slash != std::string_view::npos)
		name.remove_prefix(slash + 1);
	cl.programName = std::string(name);

	// "+": the shell's own arguments after CMD_STRING are not ours.
	int next = conf::parseOptions(argc, argv, kOptions, cl, [&](int id, const char *) {
		(id == 'l' ? cl.login : id == 'i' ? cl.interactive : cl.command) = true;
	});
	for (int i = next; i < argc; i++)
		cl.args.emplace_back(argv[i]);
	if (cl.command && cl.args.empty() && !cl.help && !cl.version && !cl.configuration)
		throw base::UsageError("-c needs a command string");
	return cl;
}

const char *sessionUsageText() noexcept
{
	return kUsage;
}

std::optional<std::string> shellFromProgramName(std::string_view name)
{
	constexpr std::string_view kMarker = "-shell-";
	auto at = name.find(kMarker);
	if (at == std::string_view::npos)
		return std::nullopt;
	// The marker's last dash is the path's first slash.
	std::string_view encoded = name.substr(at + kMarker.size() - 1);
	std::string shell;
	for (std::size_t i = 0; i < encoded.size(); i++) {
		char c = encoded[i];
		if (c == '\\' && i + 1 < encoded.size())
			shell.push_back(encoded[++i]);
		else
			shell.push_back(c == '-' ? '/' : c);
	}
	return shell;
}

std::string chooseShell(const std::string &configured, const SessionCommandLine &cl)
{
	if (auto fromName = shellFromProgramName(cl.programName))
		return *fromName;
	if (const char *env = std::getenv("TLOG_REC_SESSION_SHELL"); env != nullptr && *env != '\0')
		return env;
	return configured;
}

ShellCommand shellCommand(const std::string &shell, const SessionCommandLine &cl)
{
	ShellCommand sc;
	sc.argv.push_back(shell);
	if (cl.interactive)
		sc.argv.emplace_back("-i");
	if (cl.command)
		sc.argv.emplace_back("-c");
	sc.argv.insert(sc.argv.end(), cl.args.begin(), cl.args.end());
	if (cl.login) {
		auto slash = shell.rfind('/');
		sc.exec0 = "-" + (slash == std::string::npos ? shell : shell.substr(slash + 1));
	} else {
		sc.exec0 = shell;
	}
	return sc;
}

bool wantsNotice(const SessionCommandLine &cl, int outFd) noexcept
{
	return ::isatty(outFd) != 0 && (!cl.command || cl.interactive);
}

} // namespace tlog::rec
