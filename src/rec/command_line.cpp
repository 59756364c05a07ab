// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/command_line.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "config.h"

namespace tlog::rec {

namespace {

constexpr const char *kUsage = R"(Usage: tlog-rec [OPTION...] [CMD [ARG...]]
Record the terminal I/O of a program (CMD with ARGs) or of a shell
($SHELL, else /bin/sh).

General options:
  -h, --help                 print this help and exit
  -v, --version              print the version and exit
      --configuration        print the merged configuration as JSON and exit
  -c CMD_STRING              run CMD_STRING with "$SHELL -c" (instead of CMD)
      --latency=SECONDS      log buffered data at least every SECONDS (default 10)
      --payload=BYTES        limit the data in one message to BYTES (default 2048)
  -w, --writer=NAME          log with writer NAME: journal, syslog or file
                             (default journal)

What to log:
      --log-input[=BOOL]     log what the user types (default false)
      --log-output[=BOOL]    log what the program writes (default true)
      --log-window[=BOOL]    log window size changes (default true)

Rate limit:
      --limit-rate=BYTES     allow BYTES of messages per second (default 16384)
      --limit-burst=BYTES    allow BYTES above the rate at once (default 32768)
      --limit-action=ACTION  above the limit: pass, delay or drop (default pass)

Signing:
      --sign-key=FILE        sign the recording with the Ed25519 private key
                             in FILE (PEM; readable by its owner only)

File writer:
  -o, --file-path=FILE       append messages to FILE (selects the file
                             writer unless -w is given too)

Syslog writer:
      --syslog-facility=NAME facility (default authpriv)
      --syslog-priority=NAME priority (default info)
      --syslog-socket=PATH   the syslog daemon's socket (default /dev/log)

Journal writer:
      --journal-priority=NAME   priority (default info)
      --journal-augment[=BOOL]  add TLOG_* fields (default true)
      --journal-buffer=BYTES    hold up to BYTES of messages while the journal
                                is away (default 16777216)
      --journal-overflow=ACTION when that is full: delay (the session waits)
                                or fail (the recording ends) (default delay)

BOOL is true/false, yes/no, on/off or 1/0; without a value it is true.
Configuration: )" TLOG_SYSCONFDIR R"(/tlog/tlog-rec.conf, then the file named by
$TLOG_REC_CONF_FILE, then the JSON in $TLOG_REC_CONF_TEXT, then options.
See tlog-rec(8) and tlog-rec.conf(5).
)";

// One row per option; a row with a key sets it.
constexpr conf::Option kOptions[] = {
    {"latency", 0, required_argument, "latency"},
    {"payload", 0, required_argument, "payload"},
    {"writer", 'w', required_argument, "writer"},
    {"log-input", 0, optional_argument, "log.input"},
    {"log-output", 0, optional_argument, "log.output"},
    {"log-window", 0, optional_argument, "log.window"},
    {"limit-rate", 0, required_argument, "limit.rate"},
    {"limit-burst", 0, required_argument, "limit.burst"},
    {"limit-action", 0, required_argument, "limit.action"},
    {"sign-key", 0, required_argument, "sign.key"},
    {"file-path", 'o', required_argument, "file.path"},
    {"syslog-facility", 0, required_argument, "syslog.facility"},
    {"syslog-priority", 0, required_argument, "syslog.priority"},
    {"syslog-socket", 0, required_argument, "syslog.socket"},
    {"journal-priority", 0, required_argument, "journal.priority"},
    {"journal-augment", 0, optional_argument, "journal.augment"},
    {"journal-buffer", 0, required_argument, "journal.buffer"},
    {"journal-overflow", 0, required_argument, "journal.overflow"},
    {nullptr, 'c', required_argument}, // -c CMD_STRING
};

} // namespace

CommandLine parseCommandLine(int argc, char *argv[])
{
	CommandLine cl;
	std::optional<std::string> shellCommand;
	int next = conf::parseOptions(argc, argv, kOptions, cl, [&](int, const char *value) {
		shellCommand = value; // -c, the only option without a key
	});
	for (int i = next; i < argc; i++)
		cl.command.emplace_back(argv[i]);
	// "-o FILE" alone means "record into FILE", as with the reference,
	// whose default writer was the file writer.
	auto given = [&](std::string_view key) {
		return std::any_of(cl.settings.begin(), cl.settings.end(),
				   [&](const auto &s) { return s.first == key; });
	};
	if (given("file.path") && !given("writer"))
		cl.settings.emplace_back("writer", "file");
	if (shellCommand) {
		const char *shell = std::getenv("SHELL");
		std::vector<std::string> command{
		    shell != nullptr && *shell != '\0' ? shell : "/bin/sh", "-c", *shellCommand};
		// Like sh -c: the remaining arguments become $0, $1, ...
		command.insert(command.end(), cl.command.begin(), cl.command.end());
		cl.command = std::move(command);
	}
	return cl;
}

const char *usageText() noexcept
{
	return kUsage;
}

} // namespace tlog::rec
