// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE play_config
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "tlog/base/error.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/play/command_line.hpp"

using tlog::conf::PlayConfig;
using tlog::conf::PlayConfigSources;

namespace {

std::string errorOf(const std::function<void()> &fn)
{
	try {
		fn();
	} catch (const std::exception &e) {
		return e.what();
	}
	return "(no error)";
}

tlog::play::CommandLine parse(std::vector<std::string> args)
{
	args.insert(args.begin(), "tlog-play");
	std::vector<char *> argv;
	for (auto &a : args)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	return tlog::play::parseCommandLine(static_cast<int>(args.size()), argv.data());
}

} // namespace

BOOST_AUTO_TEST_CASE(config_defaults)
{
	PlayConfig config;
	BOOST_TEST(config.reader == "file");
	BOOST_TEST(config.speed == 1.0);
	BOOST_TEST(config.goTo == "start");
	BOOST_TEST(!config.follow);
	auto json = config.toJson().toString();
	for (auto key :
	     {"\"reader\"", "\"file\"", "\"path\"", "\"match\"", "\"es\"", "\"baseurl\"",
	      "\"query\"", "\"verbose\"", "\"journal\"", "\"since\"", "\"until\"", "\"namespace\"",
	      "\"persist\"", "\"lax\"", "\"follow\"", "\"paused\"", "\"speed\"", "\"goto\""})
		BOOST_TEST(json.find(key) != std::string::npos, key);
}

BOOST_AUTO_TEST_CASE(config_layers_in_order)
{
	tlog::test::TempDir dir;
	// A configuration shaped like the reference's, with every key it knows.
	tlog::test::writeFile(dir / "system.conf", R"({
		// comments are allowed
		"reader": "file",
		"file": {"path": "/sys.log", "match": "sysrec"},
		"es": {"baseurl": "http://localhost:9200/tlog/_search", "query": "q", "verbose": false},
		"journal": {"match": ["TLOG_REC=x", "OR", "_UID=5"], "since": 10, "until": 20,
			    "namespace": "ns"},
		"persist": false, "lax": true, "speed": 2.0, "goto": "1:00",
		"follow": false, "paused": false
	})");
	tlog::test::writeFile(dir / "env.conf", R"({"speed": 4, "file": {"path": "/env.log"}})");
	PlayConfigSources sources;
	sources.systemFile = (dir / "system.conf").string();
	sources.envFile = (dir / "env.conf").string();
	sources.envText = R"({"file": {"match": "textrec"}})";

	PlayConfig config;
	config.loadLayers(sources);
	BOOST_TEST(config.filePath == "/env.log");
	BOOST_TEST(config.fileMatch == "textrec");
	BOOST_TEST(config.speed == 4.0);
	BOOST_TEST(config.lax);
	BOOST_TEST(config.goTo == "1:00");
	BOOST_TEST(config.journalMatch.size() == 3u);
	BOOST_TEST(config.journalSince == 10);
	BOOST_TEST(config.esBaseurl == "http://localhost:9200/tlog/_search");

	auto cl = parse({"-i", "/cl.log", "--speed=0.5", "--follow", "-m", "clrec", "--lax"});
	tlog::play::applyCommandLine(cl, config);
	BOOST_TEST(config.filePath == "/cl.log");
	BOOST_TEST(config.speed == 0.5);
	BOOST_TEST(config.follow);
	BOOST_TEST(config.fileMatch == "clrec");
}

BOOST_AUTO_TEST_CASE(config_missing_files)
{
	tlog::test::TempDir dir;
	PlayConfigSources sources;
	sources.systemFile = (dir / "absent.conf").string();
	PlayConfig config;
	config.loadLayers(sources); // a missing system file is fine
	BOOST_TEST(config.reader == "file");

	sources.envFile = (dir / "absent-too.conf").string();
	auto what = errorOf([&] { config.loadLayers(sources); });
	BOOST_TEST(what.find("absent-too.conf") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(config_errors_name_key_and_source)
{
	tlog::test::TempDir dir;
	tlog::test::writeFile(dir / "bad.conf", R"({"file": {"pathh": "x"}})");
	PlayConfigSources sources;
	sources.systemFile = (dir / "bad.conf").string();
	PlayConfig config;
	auto what = errorOf([&] { config.loadLayers(sources); });
	BOOST_TEST(what.find("bad.conf") != std::string::npos, what);
	BOOST_TEST(what.find("file.pathh") != std::string::npos, what);

	PlayConfigSources text;
	text.envText = R"({"speed": 0})";
	what = errorOf([&] { config.loadLayers(text); });
	BOOST_TEST(what.find("TLOG_PLAY_CONF_TEXT: speed") == 0, what);

	text.envText = R"({"reader": "tape"})";
	what = errorOf([&] { config.loadLayers(text); });
	BOOST_TEST(what.find("reader") != std::string::npos, what);

	text.envText = R"({"journal": {"match": "A=B"}})";
	what = errorOf([&] { config.loadLayers(text); });
	BOOST_TEST(what.find("journal.match") != std::string::npos, what);

	text.envText = "{not json";
	BOOST_CHECK_THROW(config.loadLayers(text), tlog::base::ConfigError);
}

BOOST_AUTO_TEST_CASE(command_line)
{
	auto cl = parse({"-h"});
	BOOST_TEST(cl.help);
	cl = parse({"--configuration", "-p", "-g", "end", "-r", "file", "--persist"});
	BOOST_TEST(cl.configuration);
	BOOST_TEST(cl.settings.size() == 4u);
	PlayConfig config;
	tlog::play::applyCommandLine(cl, config);
	BOOST_TEST(config.paused);
	BOOST_TEST(config.persist);
	BOOST_TEST(config.goTo == "end");

	BOOST_CHECK_THROW(parse({"--bogus"}), tlog::base::UsageError);
	BOOST_CHECK_THROW(parse({"-x"}), tlog::base::UsageError);
	BOOST_CHECK_THROW(parse({"-s"}), tlog::base::UsageError);
	BOOST_CHECK_THROW(parse({"extra"}), tlog::base::UsageError);
	// The journal and ES selections set their keys.
	auto sel = parse({"--user=alice", "--session=17", "-M", "_UID=0", "--es-baseurl=u",
			  "--since=@1000", "--list", "--json"});
	BOOST_TEST(sel.list);
	BOOST_TEST(sel.json);
	PlayConfig selected;
	tlog::play::applyCommandLine(sel, selected);
	BOOST_TEST(selected.user == "alice");
	BOOST_TEST(selected.session == 17);
	BOOST_TEST(selected.journalMatch.size() == 1u);
	BOOST_TEST(selected.esBaseurl == "u");
	BOOST_TEST(selected.journalSince == 1000);
	BOOST_CHECK_THROW(parse({"--since=half past nine"}), tlog::base::UsageError);

	auto what = errorOf([] {
		PlayConfig c;
		tlog::play::applyCommandLine(parse({"--speed=fast"}), c);
	});
	BOOST_TEST(what.find("command line: speed") == 0, what);
	BOOST_CHECK_THROW(
	    [] {
		    PlayConfig c;
		    tlog::play::applyCommandLine(parse({"-r", "tape"}), c);
	    }(),
	    tlog::base::UsageError);
}

BOOST_AUTO_TEST_CASE(time_specs)
{
	using tlog::play::parseTimeSpec;
	std::time_t now = 1800000000;
	BOOST_TEST(parseTimeSpec("now", now) == now);
	BOOST_TEST(parseTimeSpec("-1h", now) == now - 3600);
	BOOST_TEST(parseTimeSpec("+30min", now) == now + 1800);
	BOOST_TEST(parseTimeSpec("-2 days", now) == now - 2 * 86400);
	BOOST_TEST(parseTimeSpec("@123", now) == 123);
	BOOST_TEST(parseTimeSpec("456", now) == 456);
	BOOST_TEST(parseTimeSpec("yesterday", now) < parseTimeSpec("today", now));
	BOOST_TEST(parseTimeSpec("today", now) <= now);
	std::tm tm{};
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 28;
	tm.tm_hour = 10;
	tm.tm_isdst = -1;
	BOOST_TEST(parseTimeSpec("2026-11-28 10:00", now) == std::mktime(&tm));
	BOOST_TEST(parseTimeSpec("2026-11-28 10:00:00", now) == std::mktime(&tm));
	for (const char *bad :
	     {"", "-", "-1parsec", "2026-13-45", "@x", "tomorrowish",
	      // Offsets past int64 seconds (found by tests/fuzz).
	      "+9223372036854775807w", "-3000004598055157h", "+9223372036854775000s"})
		BOOST_CHECK_THROW(parseTimeSpec(bad, now), tlog::base::UsageError);
	BOOST_TEST(parseTimeSpec("-1000000000000w", now) == now - 604800000000000000);
}
