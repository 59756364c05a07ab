// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/session_command.hpp"

#include <cstdlib>

#include <getopt.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::rec {

namespace {

enum Option : int { kConfiguration = 256 };

const option kOptions[] = {
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'v'},
    {"configuration", no_argument, nullptr, kConfiguration},
    {"login", no_argument, nullptr, 'l'},
    {"interactive", no_argument, nullptr, 'i'},
    {"command", no_argument, nullptr, 'c'},
    {nullptr, 0, nullptr, 0},
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

	opterr = 0;
	optind = 1;
	int opt;
	// "+": the shell's own arguments after CMD_STRING are not ours.
	while ((opt = ::getopt_long(argc, argv, "+hvlic", kOptions, nullptr)) != -1) {
		switch (opt) {
		case 'h':
			cl.help = true;
			break;
		case 'v':
			cl.version = true;
			break;
		case kConfiguration:
			cl.configuration = true;
			break;
		case 'l':
			cl.login = true;
			break;
		case 'i':
			cl.interactive = true;
			break;
		case 'c':
			cl.command = true;
			break;
		default:
			if (optopt != 0 && optopt < 256)
				throw base::UsageError(std::string("unknown option -") +
						       static_cast<char>(optopt));
			throw base::UsageError("unknown option " + base::printable(argv[optind - 1]));
		}
	}
	for (int i = optind; i < argc; i++)
		cl.args.emplace_back(argv[i]);
	if (cl.command && cl.args.empty() && !cl.help && !cl.version && !cl.configuration)
		throw base::UsageError("-c needs a command string");
	return cl;
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
