// SPDX-License-Identifier: GPL-2.0-or-later
// tlog-rec: record the terminal I/O of a program or a shell.

#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/command_line.hpp"
#include "tlog/rec/record.hpp"
#include "tlog/term/signal_set.hpp"

namespace {

int record(const tlog::rec::CommandLine &cl)
{
	using namespace tlog;
	conf::RecConfig config = conf::loadRecConfig(conf::recConfigOrigin(), cl.settings);
	if (cl.configuration) {
		std::cout << conf::configurationJson(config) << '\n';
		return 0;
	}
	config.validate();
	auto writer = rec::openWriter(config, std::string(base::programName()));
	rec::RecordRequest request;
	request.command = cl.command;
	auto result = rec::record(config, std::move(request), *writer);
	writer.reset(); // reports dropped messages before we go
	if (result.signal)
		term::SignalSet::reraise(*result.signal);
	return result.exitStatus;
}

} // namespace

int main(int argc, char *argv[])
{
	using namespace tlog;
	base::setProgramName("tlog-rec");
	rec::CommandLine cl;
	try {
		cl = rec::parseCommandLine(argc, argv);
		if (cl.help) {
			std::cout << rec::usageText();
			return 0;
		}
		if (cl.version) {
			std::cout << "tlog-rec " TLOG_VERSION "\n";
			return 0;
		}
	} catch (const base::UsageError &e) {
		base::logLine(base::describe(e));
		base::logUsageHint();
		return 2;
	}
	try {
		return record(cl);
	} catch (const base::ConfigError &e) {
		base::logLine(base::describe(e));
		// A bad option value is a usage error; a bad file is not.
		std::string_view what = e.what();
		return what.rfind(conf::kCommandLine, 0) == 0 ? 2 : 1;
	} catch (const std::exception &e) {
		base::logLine(base::describe(e));
		return 1;
	}
}
