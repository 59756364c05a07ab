// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/command_line.hpp"

#include <cctype>
#include <charconv>
#include <ctime>

#include "tlog/base/error.hpp"
#include "tlog/conf/play_config.hpp"

namespace tlog::play {

namespace {

// The options the handler takes; the others set a key.
enum Code : int {
	kList = conf::kFirstOptionCode,
	kJson,
	kSince,
	kUntil,
	kExport,
	kSearch,
	kListMatches,
	kInput,
	kVerify,
	kNoSeekCache,
};

// One row per option; a row with a key sets it.
constexpr conf::Option kOptions[] = {
    {"speed", 's', required_argument, "speed"},
    {"follow", 'f', no_argument, "follow"},
    {"goto", 'g', required_argument, "goto"},
    {"paused", 'p', no_argument, "paused"},
    {"reader", 'r', required_argument, "reader"},
    {"persist", 0, no_argument, "persist"},
    {"lax", 0, no_argument, "lax"},
    {"file-path", 'i', required_argument, "file.path"},
    {"file-match", 'm', required_argument, "file.match"},
    {"list", kList},
    {"json", kJson},
    {"newest", 0, no_argument, "newest"},
    {"rec", 0, required_argument, "rec"},
    {"user", 0, required_argument, "user"},
    {"host", 0, required_argument, "host"},
    {"session", 0, required_argument, "session"},
    {"since", kSince, required_argument},
    {"until", kUntil, required_argument},
    {"journal-since", 'S', required_argument, "journal.since"},
    {"journal-until", 'U', required_argument, "journal.until"},
    {"journal-match", 'M', required_argument, "journal.match"},
    {"journal-namespace", 'N', required_argument, "journal.namespace"},
    {"directory", 'D', required_argument, "journal.directory"},
    {"file", 0, required_argument, "journal.files"},
    {"cursor", 0, required_argument, "journal.cursor"},
    {"after-cursor", 0, required_argument, "journal.after_cursor"},
    {"cursor-file", 0, required_argument, "journal.cursor_file"},
    {"trusted-uid", 0, required_argument, "journal.trusted_uid"},
    {"es-baseurl", 0, required_argument, "es.baseurl"},
    {"es-query", 0, required_argument, "es.query"},
    {"es-verbose", 0, no_argument, "es.verbose"},
    {"es-user", 0, required_argument, "es.user"},
    {"es-timeout", 0, required_argument, "es.timeout"},
    {"idle-limit", 0, required_argument, "idle_limit"},
    {"export", kExport, required_argument},
    {"search", kSearch, required_argument},
    {"list-matches", kListMatches},
    {"status", 0, no_argument, "status"},
    {"resize", 0, no_argument, "resize"},
    {"raw-output", 0, no_argument, "raw_output"},
    {"no-seek-cache", kNoSeekCache},
    {"input", kInput, required_argument},
    {"verify", kVerify, required_argument},
    {"output", 'o', required_argument},
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
					if (__builtin_mul_overflow(text[0] == '-' ? -v : v,
								   u.seconds, &offset) ||
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
	auto handle = [&](int id, const char *value) {
		switch (id) {
		case kList:
			result.list = true;
			break;
		case kJson:
			result.json = true;
			break;
		case kExport:
			if (std::string_view(value) != "asciicast" &&
			    std::string_view(value) != "text")
				throw base::UsageError(std::string("--export: unknown format '") +
						       value + "' (known: asciicast, text)");
			result.exportFormat = value;
			break;
		case kSearch:
			result.search = value;
			break;
		case kListMatches:
			result.listMatches = true;
			break;
		case kInput:
			result.inputPath = value;
			break;
		case kVerify:
			result.verifyKey = value;
			break;
		case 'o':
			result.exportPath = value;
			break;
		case kNoSeekCache:
			result.settings.emplace_back("seek_cache", "false");
			break;
		case kSince:
		case kUntil:
			// journalctl's time forms, turned into the reference's
			// seconds-since-epoch keys now, relative to now.
			result.settings.emplace_back(
			    id == kSince ? "journal.since" : "journal.until",
			    std::to_string(parseTimeSpec(value, std::time(nullptr))));
			break;
		}
	};
	int next = conf::parseOptions(argc, argv, kOptions, result, handle);
	if (next < argc)
		throw base::UsageError("unexpected argument " + base::quoted(argv[next]));
	if (!result.exportPath.empty() && result.exportFormat.empty())
		throw base::UsageError("-o/--output is for --export");
	if (!result.exportFormat.empty() && result.list)
		throw base::UsageError("--export and --list do not go together");
	if (result.listMatches && result.search.empty())
		throw base::UsageError("--list-matches needs --search=PATTERN");
	if (result.listMatches && (result.list || !result.exportFormat.empty()))
		throw base::UsageError("--list-matches goes with neither --list nor --export");
	if (!result.verifyKey.empty() &&
	    (result.list || !result.exportFormat.empty() || result.listMatches))
		throw base::UsageError(
		    "--verify goes with none of --list, --export and --list-matches");
	return result;
}

void applyCommandLine(const CommandLine &commandLine, conf::PlayConfig &config)
{
	conf::ConfigSchema schema;
	config.bind(schema);
	conf::applyCommandLine(schema, commandLine.settings);
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
	       "                           lines that scrolled off the screen, then the last "
	       "screen)\n"
	       "  -o, --output=FILE        with --export: write to FILE (default: standard "
	       "output)\n"
	       "      --status             show position, length, speed and gaps on the last row\n"
	       "                           (the s key shows and hides it)\n"
	       "      --resize             ask the terminal (xterm's CSI 8 t) for the recorded\n"
	       "                           size, and for its own back at the end\n"
	       "      --raw-output         write the recorded output as it is; by default what\n"
	       "                           acts outside the screen (clipboard, title, reports,\n"
	       "                           mouse and other input modes) is left out\n"
	       "      --no-seek-cache      neither read nor keep the file's screen snapshots in\n"
	       "                           the cache ($XDG_CACHE_HOME/tlog/seek)\n"
	       "      --input=FILE         write the typed input (when recorded) to FILE as it\n"
	       "                           plays, e.g. a terminal's tty or a FIFO\n"
	       "      --search=PATTERN     the text the n and N keys look for on the screen\n"
	       "      --list-matches       with --search: print the time and line of every place\n"
	       "                           the text appears on the screen, instead of playing\n"
	       "      --verify=KEY         check the recording's signatures with the public\n"
	       "                           key KEY (PEM), or HOST.pub from directory KEY, and\n"
	       "                           say whether it is intact to its signed end\n"
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
	       "  -S, --journal-since=SECONDS, -U, --journal-until=SECONDS  the same, in epoch "
	       "seconds\n"
	       "  -M, --journal-match=FIELD=VALUE  add a journal match (\"+\" for OR)\n"
	       "  -N, --journal-namespace=NAME     read the journal namespace NAME\n"
	       "  -D, --directory=DIR      read the journal files in DIR (e.g. a remote host's)\n"
	       "      --file=FILE          read the journal file FILE (repeatable)\n"
	       "      --cursor=CURSOR      start at the entry CURSOR\n"
	       "      --after-cursor=CURSOR  start after the entry CURSOR\n"
	       "      --cursor-file=FILE   start after the cursor in FILE; store the last one "
	       "there\n"
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
