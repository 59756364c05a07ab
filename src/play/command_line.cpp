// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/command_line.hpp"

#include <cctype>
#include <charconv>
#include <ctime>

#include <getopt.h>

#include "tlog/base/error.hpp"
#include "tlog/conf/play_config.hpp"

namespace tlog::play {

namespace {

enum LongOnly : int {
	kConfiguration = 256,
	kPersist,
	kLax,
	kList,
	kJson,
	kNewest,
	kRec,
	kUser,
	kHost,
	kSession,
	kSince,
	kUntil,
	kJournalFile,
	kCursor,
	kAfterCursor,
	kCursorFile,
	kTrustedUid,
	kEsBaseurl,
	kEsQuery,
	kEsVerbose,
	kEsUser,
	kEsTimeout,
	kIdleLimit,
	kExport,
	kSearch,
	kListMatches,
	kStatus,
	kResize,
	kRawOutput,
	kInput,
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
	{kRec, "rec"},      {kUser, "user"},     {kHost, "host"},  {kSession, "session"},
	{kNewest, "newest"},
	{'S', "journal.since"}, {'U', "journal.until"}, {'M', "journal.match"},
	{'N', "journal.namespace"}, {'D', "journal.directory"}, {kJournalFile, "journal.files"},
	{kCursor, "journal.cursor"}, {kAfterCursor, "journal.after_cursor"},
	{kCursorFile, "journal.cursor_file"}, {kTrustedUid, "journal.trusted_uid"},
	{kEsBaseurl, "es.baseurl"}, {kEsQuery, "es.query"}, {kEsVerbose, "es.verbose"},
	{kEsUser, "es.user"},       {kEsTimeout, "es.timeout"},
	{kIdleLimit, "idle_limit"}, {kStatus, "status"}, {kResize, "resize"},
	{kRawOutput, "raw_output"},
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
	{"list", no_argument, nullptr, kList},
	{"json", no_argument, nullptr, kJson},
	{"newest", no_argument, nullptr, kNewest},
	{"rec", required_argument, nullptr, kRec},
	{"user", required_argument, nullptr, kUser},
	{"host", required_argument, nullptr, kHost},
	{"session", required_argument, nullptr, kSession},
	{"since", required_argument, nullptr, kSince},
	{"until", required_argument, nullptr, kUntil},
	{"journal-since", required_argument, nullptr, 'S'},
	{"journal-until", required_argument, nullptr, 'U'},
	{"journal-match", required_argument, nullptr, 'M'},
	{"journal-namespace", required_argument, nullptr, 'N'},
	{"directory", required_argument, nullptr, 'D'},
	{"file", required_argument, nullptr, kJournalFile},
	{"cursor", required_argument, nullptr, kCursor},
	{"after-cursor", required_argument, nullptr, kAfterCursor},
	{"cursor-file", required_argument, nullptr, kCursorFile},
	{"trusted-uid", required_argument, nullptr, kTrustedUid},
	{"es-baseurl", required_argument, nullptr, kEsBaseurl},
	{"es-query", required_argument, nullptr, kEsQuery},
	{"es-verbose", no_argument, nullptr, kEsVerbose},
	{"es-user", required_argument, nullptr, kEsUser},
	{"es-timeout", required_argument, nullptr, kEsTimeout},
	{"idle-limit", required_argument, nullptr, kIdleLimit},
	{"export", required_argument, nullptr, kExport},
	{"search", required_argument, nullptr, kSearch},
	{"list-matches", no_argument, nullptr, kListMatches},
	{"status", no_argument, nullptr, kStatus},
	{"resize", no_argument, nullptr, kResize},
	{"raw-output", no_argument, nullptr, kRawOutput},
	{"input", required_argument, nullptr, kInput},
	{"output", required_argument, nullptr, 'o'},
	{nullptr, 0, nullptr, 0},
};

} // namespace

std::int64_t parseTimeSpec(std::string_view text, std::time_t now)
{
	auto bad = [&]() -> std::int64_t {
		throw base::UsageError(base::quoted(text) +
				       " is not a time (try \"2026-11-28 10:00\", \"-1h\", "
				       "\"yesterday\" or @EPOCH)");
	};
	auto number = [&](std::string_view digits, std::int64_t &out) {
		auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
		return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
	};
	std::tm today{};
	localtime_r(&now, &today);
	today.tm_hour = today.tm_min = today.tm_sec = 0;
	today.tm_isdst = -1;
	if (text == "now")
		return now;
	if (text == "today" || text == "yesterday" || text == "tomorrow") {
		today.tm_mday += text == "yesterday" ? -1 : text == "tomorrow" ? 1 : 0;
		return std::mktime(&today);
	}
	std::int64_t v = 0;
	if (!text.empty() && text[0] == '@')
		return number(text.substr(1), v) ? v : bad();
	if (number(text, v))
		return v; // seconds since the epoch, as the reference's -S
	if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
		// "-1h", "+30min", "-2 days"
		std::size_t i = 1;
		while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
			i++;
		if (!number(text.substr(1, i - 1), v))
			return bad();
		auto unit = text.substr(i);
		while (!unit.empty() && unit[0] == ' ')
			unit.remove_prefix(1);
		struct Unit {
			const char *names[4];
			std::int64_t seconds;
		};
		static constexpr Unit kUnits[] = {
			{{"s", "sec", "second", "seconds"}, 1},
			{{"m", "min", "minute", "minutes"}, 60},
			{{"h", "hour", "hours", "hr"}, 3600},
			{{"d", "day", "days", nullptr}, 86400},
			{{"w", "week", "weeks", nullptr}, 604800},
		};
		for (const auto &u : kUnits)
			for (const char *name : u.names)
				if (name != nullptr && unit == name) {
					// Far beyond any journal, and past int64 (found by
					// tests/fuzz): refuse, do not overflow.
					std::int64_t offset = 0, t = 0;
					if (__builtin_mul_overflow(text[0] == '-' ? -v : v, u.seconds,
								   &offset) ||
					    __builtin_add_overflow(std::int64_t(now), offset, &t))
						return bad();
					return t;
				}
		return bad();
	}
	// "YYYY-MM-DD[ HH:MM[:SS]]" in local time
	std::tm tm{};
	std::string s(text);
	const char *end = ::strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
	if (end == nullptr || *end != '\0') {
		tm = {};
		end = ::strptime(s.c_str(), "%Y-%m-%d %H:%M", &tm);
	}
	if (end == nullptr || *end != '\0') {
		tm = {};
		end = ::strptime(s.c_str(), "%Y-%m-%d", &tm);
	}
	if (end == nullptr || *end != '\0')
		return bad();
	tm.tm_isdst = -1;
	return std::mktime(&tm);
}

CommandLine parseCommandLine(int argc, char *argv[])
{
	CommandLine result;
	// '+': stop at the first non-option; ':': report a missing value as ':'.
	optind = 0;
	opterr = 0;
	for (;;) {
		int longIndex = -1;
		int c = ::getopt_long(argc, argv, "+:hvs:fg:pr:i:m:S:U:M:N:D:o:", kOptions,
				      &longIndex);
		if (c == -1)
			break;
		switch (c) {
		case 'h': result.help = true; continue;
		case 'v': result.version = true; continue;
		case kConfiguration: result.configuration = true; continue;
		case kList: result.list = true; continue;
		case kJson: result.json = true; continue;
		case kExport:
			if (std::string_view(optarg) != "asciicast" && std::string_view(optarg) != "text")
				throw base::UsageError(std::string("--export: unknown format '") +
						       optarg + "' (known: asciicast, text)");
			result.exportFormat = optarg;
			continue;
		case kSearch: result.search = optarg; continue;
		case kListMatches: result.listMatches = true; continue;
		case kInput: result.inputPath = optarg; continue;
		case 'o': result.exportPath = optarg; continue;
		case kSince:
		case kUntil:
			// journalctl's time forms, turned into the reference's
			// seconds-since-epoch keys now, relative to now.
			result.settings.emplace_back(
				c == kSince ? "journal.since" : "journal.until",
				std::to_string(parseTimeSpec(optarg, std::time(nullptr))));
			continue;
		case ':':
			throw base::UsageError("option " + base::printable(argv[optind - 1]) +
					       " needs a value");
		case '?':
			if (optopt != 0)
				throw base::UsageError(std::string("unknown option -") +
						       static_cast<char>(optopt));
			throw base::UsageError("unknown option " + base::printable(argv[optind - 1]));
		default: break;
		}
		for (const auto &k : kKeys)
			if (k.code == c)
				result.settings.emplace_back(k.key, optarg ? optarg : "true");
	}
	if (optind < argc)
		throw base::UsageError("unexpected argument " + base::quoted(argv[optind]));
	if (!result.exportPath.empty() && result.exportFormat.empty())
		throw base::UsageError("-o/--output is for --export");
	if (!result.exportFormat.empty() && result.list)
		throw base::UsageError("--export and --list do not go together");
	if (result.listMatches && result.search.empty())
		throw base::UsageError("--list-matches needs --search=PATTERN");
	if (result.listMatches && (result.list || !result.exportFormat.empty()))
		throw base::UsageError("--list-matches goes with neither --list nor --export");
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
	       "Play back a terminal recording made by tlog-rec, or list recordings.\n"
	       "\n"
	       "General options:\n"
	       "  -h, --help               print this help and exit\n"
	       "  -v, --version            print the version and exit\n"
	       "      --configuration      print the merged configuration as JSON and exit\n"
	       "  -r, --reader=TYPE        read with TYPE: file, journal, es or asciicast\n"
	       "                           (default file)\n"
	       "  -s, --speed=NUMBER       play NUMBER times as fast (0.001..1000, default 1)\n"
	       "  -f, --follow             at the end, wait for the recording to grow\n"
	       "  -g, --goto=POS           fast-forward to POS: start, end or [[H:]M:]S[.f]\n"
	       "  -p, --paused             start paused\n"
	       "      --persist            ignore the quit key and keyboard signals\n"
	       "      --lax                play on over missing messages, reporting them\n"
	       "      --list               list the recordings the selection matches, one a line\n"
	       "      --json               with --list: a JSON array, for scripts\n"
	       "      --idle-limit=SECONDS  play (and export) every longer pause as SECONDS\n"
	       "      --export=FORMAT      write the recording as FORMAT instead of playing it:\n"
	       "                           asciicast (asciinema's v2 file format) or text (the\n"
	       "                           lines that scrolled off the screen, then the last screen)\n"
	       "  -o, --output=FILE        with --export: write to FILE (default: standard output)\n"
	       "      --status             show position, length, speed and gaps on the last row\n"
	       "                           (the s key shows and hides it)\n"
	       "      --resize             ask the terminal (xterm's CSI 8 t) for the recorded\n"
	       "                           size, and for its own back at the end\n"
	       "      --raw-output         write the recorded output as it is; by default what\n"
	       "                           acts outside the screen (clipboard, title, reports,\n"
	       "                           mouse and other input modes) is left out\n"
	       "      --input=FILE         write the typed input (when recorded) to FILE as it\n"
	       "                           plays, e.g. a terminal's tty or a FIFO\n"
	       "      --search=PATTERN     the text the n and N keys look for on the screen\n"
	       "      --list-matches       with --search: print the time and line of every place\n"
	       "                           the text appears on the screen, instead of playing\n"
	       "\n"
	       "Selecting a recording (every reader):\n"
	       "      --rec=ID             the recording with id ID\n"
	       "      --user=NAME          recordings of user NAME\n"
	       "      --host=NAME          recordings made on host NAME\n"
	       "      --session=N          recordings of audit session N\n"
	       "      --newest             when several recordings match, play the newest\n"
	       "                           (without it they are listed and none is played)\n"
	       "\n"
	       "File reader options:\n"
	       "  -i, --file-path=FILE     read the recording from FILE (\"-\": standard input);\n"
	       "                           with -r asciicast, an asciicast v2 file\n"
	       "  -m, --file-match=REC     play recording REC of the file (default: the first)\n"
	       "\n"
	       "Journal reader options:\n"
	       "      --since=TIME         entries from TIME on (\"2026-11-28 10:00\", \"-1h\",\n"
	       "                           \"yesterday\", @EPOCH)\n"
	       "      --until=TIME         entries up to TIME\n"
	       "  -S, --journal-since=SECONDS, -U, --journal-until=SECONDS  the same, in epoch seconds\n"
	       "  -M, --journal-match=FIELD=VALUE  add a journal match (\"+\" for OR)\n"
	       "  -N, --journal-namespace=NAME     read the journal namespace NAME\n"
	       "  -D, --directory=DIR      read the journal files in DIR (e.g. a remote host's)\n"
	       "      --file=FILE          read the journal file FILE (repeatable)\n"
	       "      --cursor=CURSOR      start at the entry CURSOR\n"
	       "      --after-cursor=CURSOR  start after the entry CURSOR\n"
	       "      --cursor-file=FILE   start after the cursor in FILE; store the last one there\n"
	       "      --trusted-uid=USER   ignore entries not written by USER (uid or name)\n"
	       "\n"
	       "Elasticsearch reader options:\n"
	       "      --es-baseurl=URL     the index's _search URL\n"
	       "      --es-query=QUERY     a query-string query selecting messages\n"
	       "      --es-verbose         show the HTTP exchanges\n"
	       "      --es-user=USER:PASSWORD  log in with these (default: ~/.netrc, if it\n"
	       "                           has the host)\n"
	       "      --es-timeout=SECONDS  give one HTTP exchange this long (default 30);\n"
	       "                           a timed-out one is retried like a 5xx answer\n"
	       "\n"
	       "Keys while playing (when standard input is a terminal):\n"
	       "  space, p  pause/resume     }  double speed     {  halve speed\n"
	       "  backspace  speed 1x        .  next packet      [TIME]G  go to TIME or the end\n"
	       "  q  quit\n";
}

} // namespace tlog::play
