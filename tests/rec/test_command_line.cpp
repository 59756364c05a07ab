// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE command_line
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "tlog/base/error.hpp"
#include "tlog/rec/command_line.hpp"

using tlog::rec::CommandLine;

namespace {

CommandLine parse(std::vector<std::string> args)
{
	args.insert(args.begin(), "tlog-rec");
	std::vector<char *> argv;
	for (auto &a : args)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	return tlog::rec::parseCommandLine(static_cast<int>(args.size()), argv.data());
}

std::string settingsText(const CommandLine &cl)
{
	std::string text;
	for (const auto &[key, value] : cl.settings)
		text += key + "=" + value + ";";
	return text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rec_command_line)

BOOST_AUTO_TEST_CASE(options_become_settings_in_order)
{
	auto cl = parse({"--latency=3", "--log-input", "--journal-augment=no", "-w", "syslog"});
	BOOST_TEST(settingsText(cl) ==
		   "latency=3;log.input=true;journal.augment=no;writer=syslog;");
	BOOST_TEST(cl.command.empty());
}

BOOST_AUTO_TEST_CASE(file_path_alone_selects_the_file_writer)
{
	BOOST_TEST(settingsText(parse({"-o", "x.log"})) == "file.path=x.log;writer=file;");
	// Unless a writer is named.
	BOOST_TEST(settingsText(parse({"-o", "x.log", "-w", "journal"})) ==
		   "file.path=x.log;writer=journal;");
}

BOOST_AUTO_TEST_CASE(the_command_keeps_its_own_options)
{
	auto cl = parse({"--payload=64", "ls", "-l", "--color"});
	BOOST_TEST(cl.command == (std::vector<std::string>{"ls", "-l", "--color"}),
		   boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(c_runs_a_shell_string_with_its_arguments)
{
	::setenv("SHELL", "/bin/bash", 1);
	auto cl = parse({"-c", "echo $0 $1", "zero", "one"});
	BOOST_TEST(cl.command ==
		       (std::vector<std::string>{"/bin/bash", "-c", "echo $0 $1", "zero", "one"}),
		   boost::test_tools::per_element());
	::unsetenv("SHELL");
	BOOST_TEST(parse({"-c", "true"}).command.front() == "/bin/sh");
}

BOOST_AUTO_TEST_CASE(help_version_configuration)
{
	BOOST_TEST(parse({"-h"}).help);
	BOOST_TEST(parse({"--version"}).version);
	BOOST_TEST(parse({"--configuration"}).configuration);
	BOOST_TEST(std::string(tlog::rec::usageText()).find("--journal-overflow=ACTION") !=
		   std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_options_are_usage_errors)
{
	// Each says what is wrong with which option.
	const std::pair<std::vector<std::string>, std::string> cases[] = {
	    {{"--bogus"}, "unknown option --bogus"},
	    {{"-Z"}, "unknown option -Z"},
	    {{"--latency"}, "option --latency needs a value"},
	    {{"-o"}, "option -o needs a value"},
	};
	for (const auto &[args, message] : cases) {
		try {
			parse(args);
			BOOST_ERROR("accepted: " << args.front());
		} catch (const tlog::base::UsageError &e) {
			BOOST_TEST(e.what() == message);
		}
	}
}

BOOST_AUTO_TEST_SUITE_END()
