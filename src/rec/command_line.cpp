// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/command_line.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <getopt.h>

#include "config.h"
#include "tlog/base/error.hpp"

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

enum Option : int {
	kConfiguration = 256,
	kLatency,
	kPayload,
	kLogInput,
	kLogOutput,
	kLogWindow,
	kLimitRate,
	kLimitBurst,
	kLimitAction,
	kSyslogFacility,
	kSyslogPriority,
	kSyslogSocket,
	kJournalPriority,
	kJournalAugment,
	kJournalBuffer,
	kJournalOverflow,
};

const option kOptions[] = {
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'v'},
    {"configuration", no_argument, nullptr, kConfiguration},
    {"latency", required_argument, nullptr, kLatency},
    {"payload", required_argument, nullptr, kPayload},
    {"writer", required_argument, nullptr, 'w'},
    {"log-input", optional_argument, nullptr, kLogInput},
    {"log-output", optional_argument, nullptr, kLogOutput},
    {"log-window", optional_argument, nullptr, kLogWindow},
    {"limit-rate", required_argument, nullptr, kLimitRate},
    {"limit-burst", required_argument, nullptr, kLimitBurst},
    {"limit-action", required_argument, nullptr, kLimitAction},
    {"file-path", required_argument, nullptr, 'o'},
    {"syslog-facility", required_argument, nullptr, kSyslogFacility},
    {"syslog-priority", required_argument, nullptr, kSyslogPriority},
    {"syslog-socket", required_argument, nullptr, kSyslogSocket},
    {"journal-priority", required_argument, nullptr, kJournalPriority},
    {"journal-augment", optional_argument, nullptr, kJournalAugment},
    {"journal-buffer", required_argument, nullptr, kJournalBuffer},
    {"journal-overflow", required_argument, nullptr, kJournalOverflow},
    {nullptr, 0, nullptr, 0},
};

/// The configuration key an option sets, or nullptr.
const char *keyOf(int opt) noexcept
{
	switch (opt) {
	case kLatency:
		return "latency";
	case kPayload:
		return "payload";
	case 'w':
		return "writer";
	case kLogInput:
		return "log.input";
	case kLogOutput:
		return "log.output";
	case kLogWindow:
		return "log.window";
	case kLimitRate:
		return "limit.rate";
	case kLimitBurst:
		return "limit.burst";
	case kLimitAction:
		return "limit.action";
	case 'o':
		return "file.path";
	case kSyslogFacility:
		return "syslog.facility";
	case kSyslogPriority:
		return "syslog.priority";
	case kSyslogSocket:
		return "syslog.socket";
	case kJournalPriority:
		return "journal.priority";
	case kJournalAugment:
		return "journal.augment";
	case kJournalBuffer:
		return "journal.buffer";
	case kJournalOverflow:
		return "journal.overflow";
	default:
		return nullptr;
	}
}

} // namespace

CommandLine parseCommandLine(int argc, char *argv[])
{
	CommandLine cl;
	std::string shellCommand;
	bool haveShellCommand = false;
	optind = 0; // a full restart of getopt, so it may parse again (tests)
	opterr = 0;
	int opt;
	// "+": stop at the first non-option, so CMD's own options stay its own.
	while ((opt = ::getopt_long(argc, argv, "+:hvw:o:c:", kOptions, nullptr)) != -1) {
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
		case 'c':
			shellCommand = optarg;
			haveShellCommand = true;
			break;
		case ':':
			throw base::UsageError("option " + base::printable(argv[optind - 1]) +
					       " needs a value");
		case '?':
			if (optopt != 0 && optopt < 256)
				throw base::UsageError(std::string("unknown option -") +
						       static_cast<char>(optopt));
			throw base::UsageError("unknown option " + base::printable(argv[optind - 1]));
		default: {
			const char *key = keyOf(opt);
			// An optional BOOL given without a value means true.
			cl.settings.emplace_back(key, optarg != nullptr ? optarg : "true");
			break;
		}
		}
	}
	for (int i = optind; i < argc; i++)
		cl.command.emplace_back(argv[i]);
	// "-o FILE" alone means "record into FILE", as with the reference,
	// whose default writer was the file writer.
	auto given = [&](std::string_view key) {
		return std::any_of(cl.settings.begin(), cl.settings.end(),
				   [&](const auto &s) { return s.first == key; });
	};
	if (given("file.path") && !given("writer"))
		cl.settings.emplace_back("writer", "file");
	if (haveShellCommand) {
		const char *shell = std::getenv("SHELL");
		std::vector<std::string> command{
		    shell != nullptr && *shell != '\0' ? shell : "/bin/sh", "-c", shellCommand};
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
