// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/options.hpp"

#include <string>

#include <unistd.h>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"

namespace tlog::conf {

namespace {

constexpr int kConfiguration = kFirstOptionCode - 1;

} // namespace

int parseOptions(int argc, char *argv[], std::span<const Option> table, ProgramOptions &out,
		 const OptionHandler &handle)
{
	// '+': stop at the first non-option; ':': report a missing value as ':'.
	std::string shortOptions = "+:hv";
	std::vector<option> longOptions = {
	    {"help", no_argument, nullptr, 'h'},
	    {"version", no_argument, nullptr, 'v'},
	    {"configuration", no_argument, nullptr, kConfiguration},
	};
	// getopt's value for each row: its letter or code, or one made up
	// (above any program's codes) for a long option that sets a key.
	std::vector<int> ids;
	int nextCode = 1 << 16;
	for (const auto &o : table) {
		int id = o.id != 0 ? o.id : nextCode++;
		ids.push_back(id);
		if (id < 256) {
			shortOptions += static_cast<char>(id);
			if (o.argument != no_argument)
				shortOptions += o.argument == required_argument ? ":" : "::";
		}
		if (o.name != nullptr)
			longOptions.push_back({o.name, o.argument, nullptr, id});
	}
	longOptions.push_back({nullptr, 0, nullptr, 0});

	optind = 0; // a full restart of getopt, so it may parse again (tests)
	opterr = 0;
	int opt;
	while ((opt = ::getopt_long(argc, argv, shortOptions.c_str(), longOptions.data(),
				    nullptr)) != -1) {
		switch (opt) {
		case 'h':
			out.help = true;
			continue;
		case 'v':
			out.version = true;
			continue;
		case kConfiguration:
			out.configuration = true;
			continue;
		case ':':
			throw base::UsageError("option " + base::printable(argv[optind - 1]) +
					       " needs a value");
		case '?':
			if (optopt != 0 && optopt < 256)
				throw base::UsageError(std::string("unknown option -") +
						       static_cast<char>(optopt));
			throw base::UsageError("unknown option " +
					       base::printable(argv[optind - 1]));
		default:
			break;
		}
		for (std::size_t i = 0; i < table.size(); i++) {
			if (ids[i] != opt)
				continue;
			if (table[i].key != nullptr)
				// An optional BOOL given without a value means true.
				out.settings.emplace_back(table[i].key,
							  optarg != nullptr ? optarg : "true");
			else if (handle)
				handle(opt, optarg);
			break;
		}
	}
	return optind;
}

bool answerHelpOrVersion(const ProgramOptions &options, std::string_view usage)
{
	if (options.help)
		base::writeAll(STDOUT_FILENO, usage);
	else if (options.version)
		base::writeAll(STDOUT_FILENO,
			       std::string(base::programName()) + " " TLOG_VERSION "\n");
	return options.help || options.version;
}

} // namespace tlog::conf
