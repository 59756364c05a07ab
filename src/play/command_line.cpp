// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/command_line.hpp"

#include <getopt.h>

#include "tlog/base/error.hpp"
#include "tlog/conf/play_config.hpp"

namespace tlog::play {

namespace {

enum LongOnly : int {
	kConfiguration = 256,
	kPersist,
	kLax,
};

struct OptionKey {
	int code;
	const char *key;
};

// Options that set a configuration key.
constexpr OptionKey kKeys[] = {
	{'s', "speed"},     {'f', "follow"},     {'g', "goto"},    {'p', "paused"},
	{'r', "reader"},    {kPersist, "persist"}, {kLax, "lax"},  {'i', "file.path"},
	{'m', "file.match"},
};

constexpr option kOptions[] = {
	{"help", no_argument, nullptr, 'h'},
	{"version", no_argument, nullptr, 'v'},
	{"configuration", no_argument, nullptr, kConfiguration},
	{"speed", required_argument, nullptr, 's'},
	{"follow", no_argument, nullptr, 'f'},
	{"goto", required_argument, nullptr, 'g'},
	{"paused", no_argument, nullptr, 'p'},
	{"reader", required_argument, nullptr, 'r'},
	{"persist", no_argument, nullptr, kPersist},
	{"lax", no_argument, nullptr, kLax},
	{"file-path", required_argument, nullptr, 'i'},
	{"file-match", required_argument, nullptr, 'm'},
	{nullptr, 0, nullptr, 0},
};

} // namespace

CommandLine parseCommandLine(int argc, char *argv[])
{
	CommandLine result;
	// '+': stop at the first non-option; ':': report a missing value as ':'.
	optind = 0;
	opterr = 0;
	for (;;) {
		int longIndex = -1;
		int c = ::getopt_long(argc, argv, "+:hvs:fg:pr:i:m:", kOptions, &longIndex);
		if (c == -1)
			break;
		switch (c) {
		case 'h': result.help = true; continue;
		case 'v': result.version = true; continue;
		case kConfiguration: result.configuration = true; continue;
		case ':':
			throw base::UsageError(std::string("option ") + argv[optind - 1] +
					       " needs a value");
		case '?':
			if (optopt != 0)
				throw base::UsageError(std::string("unknown option -") +
						       static_cast<char>(optopt));
			throw base::UsageError(std::string("unknown option ") + argv[optind - 1]);
		default: break;
		}
		for (const auto &k : kKeys)
			if (k.code == c)
				result.settings.emplace_back(k.key, optarg ? optarg : "true");
	}
	if (optind < argc)
		throw base::UsageError(std::string("unexpected argument '") + argv[optind] + "'");
	return result;
}

void applyCommandLine(const CommandLine &commandLine, conf::PlayConfig &config)
{
	for (const auto &[key, value] : commandLine.settings) {
		try {
			config.set(key, value, "command line");
		} catch (const base::ConfigError &e) {
			throw base::UsageError(e.what());
		}
	}
}

std::string usageText()
{
	return "Usage: tlog-play [OPTION...]\n"
	       "Play back a terminal recording made by tlog-rec.\n"
	       "\n"
	       "General options:\n"
	       "  -h, --help               print this help and exit\n"
	       "  -v, --version            print the version and exit\n"
	       "      --configuration      print the merged configuration as JSON and exit\n"
	       "  -s, --speed=NUMBER       play NUMBER times as fast (0.001..1000, default 1)\n"
	       "  -f, --follow             at the end, wait for the recording to grow\n"
	       "  -g, --goto=POS           fast-forward to POS: start, end or [[H:]M:]S[.f]\n"
	       "  -p, --paused             start paused\n"
	       "  -r, --reader=TYPE        read with TYPE (file; default file)\n"
	       "      --persist            ignore the quit key and keyboard signals\n"
	       "      --lax                play on over missing messages, reporting them\n"
	       "\n"
	       "File reader options:\n"
	       "  -i, --file-path=FILE     read the recording from FILE (\"-\": standard input)\n"
	       "  -m, --file-match=REC     play recording REC of the file (default: the first)\n"
	       "\n"
	       "Keys while playing (when standard input is a terminal):\n"
	       "  space, p  pause/resume     }  double speed     {  halve speed\n"
	       "  backspace  speed 1x        .  next packet      [TIME]G  go to TIME or the end\n"
	       "  q  quit\n";
}

} // namespace tlog::play
