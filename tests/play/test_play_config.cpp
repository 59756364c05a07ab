// SPDX-License-Identifier: GPL-2.0-or-later
#include <boost/test/unit_test.hpp>

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
	for (auto key : {"\"reader\"", "\"file\"", "\"path\"", "\"match\"", "\"es\"", "\"baseurl\"",
			 "\"query\"", "\"verbose\"", "\"journal\"", "\"since\"", "\"until\"",
			 "\"namespace\"", "\"persist\"", "\"lax\"", "\"follow\"", "\"paused\"",
			 "\"speed\"", "\"goto\""})
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
	// Readers this build does not have are not offered as options yet.
	BOOST_CHECK_THROW(parse({"--es-baseurl=x"}), tlog::base::UsageError);

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
