// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: configuration texts through the conf layer, layer on layer
// as the programs load them. The input is up to three parts separated by
// NUL bytes: a system file's text, the environment's JSON text, and
// command-line settings ("key=value" lines). It goes to tlog-rec's,
// tlog-rec-session's (plain and set-id) and tlog-play's schemas.
//
// Every error is a ConfigError (a UsageError for the command line) that
// names its source. A configuration
// that loads prints as JSON that loads back to the same configuration,
// and a set-id session recorder takes nothing from the environment but
// the shell and the notice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/conf/config_layers.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/json/json_ref.hpp"

using tlog::base::ConfigError;
using tlog::conf::ConfigLayers;
using tlog::conf::ConfigSchema;
using tlog::fuzz::fail;
using tlog::fuzz::require;

namespace {

constexpr const char *kSystem = "fuzz-system.conf";
constexpr const char *kTextVar = "TLOG_FUZZ_CONF_TEXT";
constexpr const char *kNoFileVar = "TLOG_FUZZ_CONF_FILE"; // never set

ConfigLayers environmentLayers()
{
	return ConfigLayers::fromEnvironment({"", kNoFileVar, kTextVar});
}

struct Input {
	std::string_view system;
	std::optional<std::string> envText;
	std::vector<tlog::conf::Setting> settings;
};

Input split(std::string_view data)
{
	Input in;
	auto nul = data.find('\0');
	in.system = data.substr(0, nul);
	if (nul == std::string_view::npos)
		return in;
	data.remove_prefix(nul + 1);
	nul = data.find('\0');
	in.envText = std::string(data.substr(0, nul));
	if (nul == std::string_view::npos)
		return in;
	data.remove_prefix(nul + 1);
	while (!data.empty()) {
		auto eol = data.find('\n');
		auto line = data.substr(0, eol);
		data.remove_prefix(eol == std::string_view::npos ? data.size() : eol + 1);
		auto eq = line.find('=');
		if (eq != std::string_view::npos)
			in.settings.emplace_back(line.substr(0, eq), line.substr(eq + 1));
	}
	return in;
}

// The error names one of the layers.
void checkSource(const ConfigError &e)
{
	std::string_view text = e.what();
	for (std::string_view source : {std::string_view(kSystem), std::string_view(kTextVar),
					std::string_view(tlog::conf::kCommandLine)})
		if (text.substr(0, source.size()) == source &&
		    text.substr(source.size(), 2) == ": ")
			return;
	fail("error names no source: " + std::string(text));
}

void applySystem(const ConfigSchema &schema, std::string_view text)
{
	schema.apply(tlog::conf::parseConfigText(text, kSystem), kSystem);
}

// The configuration printed as JSON loads back, with nothing else, to the
// same JSON.
template <typename Config> void checkReload(const Config &config)
{
	std::string json = tlog::conf::configurationJson(config);
	Config again;
	ConfigSchema schema;
	again.bind(schema);
	try {
		schema.apply(tlog::conf::parseConfigText(json, "printed"), "printed");
	} catch (const ConfigError &e) {
		fail("printed configuration does not load: " + std::string(e.what()) + "\n" + json);
	}
	if (tlog::conf::configurationJson(again) != json)
		fail("printed configuration loads differently:\n" + json);
}

void fuzzRec(const Input &in)
{
	tlog::conf::RecConfig config;
	ConfigSchema schema;
	config.bind(schema);
	try {
		applySystem(schema, in.system);
		tlog::conf::applyLayers(schema, environmentLayers(), in.settings);
	} catch (const ConfigError &e) {
		checkSource(e);
		return;
	}
	checkReload(config);
	try {
		config.validate();
	} catch (const ConfigError &) {
		// Says what is missing; which key that is depends on the check.
	}
}

void fuzzSession(const Input &in, bool setId)
{
	tlog::conf::SessionConfig config;
	ConfigSchema schema;
	config.bind(schema);
	try {
		applySystem(schema, in.system);
	} catch (const ConfigError &e) {
		checkSource(e);
		return;
	}
	std::string before = tlog::conf::configurationJson(config.rec);
	std::vector<std::string> ignored;
	try {
		tlog::conf::applyEnvironmentLayers(schema, environmentLayers(),
						   setId ? tlog::conf::isUserSettableKey : nullptr,
						   &ignored);
	} catch (const ConfigError &e) {
		checkSource(e);
		return;
	}
	if (setId)
		require(tlog::conf::configurationJson(config.rec) == before,
			"a set-id session took a recording key from the environment");
	else
		require(ignored.empty(), "keys ignored without set-id");
	for (const auto &what : ignored)
		if (what.substr(0, std::string_view(kTextVar).size()) != kTextVar)
			fail("an ignored key does not name its variable: " + what);
	checkReload(config);
	try {
		config.validate();
	} catch (const ConfigError &) {
	}
}

void fuzzPlay(const Input &in)
{
	tlog::conf::PlayConfig config;
	ConfigSchema schema;
	config.bind(schema);
	try {
		applySystem(schema, in.system);
		tlog::conf::PlayConfigSources sources;
		sources.envText = in.envText;
		config.loadLayers(sources);
		tlog::conf::applyCommandLine(schema, in.settings);
	} catch (const ConfigError &e) {
		std::string_view text = e.what();
		// loadLayers() names the variable tlog-play reads.
		if (text.substr(0, 21) != "TLOG_PLAY_CONF_TEXT: ")
			checkSource(e);
		return;
	}
	std::string json = config.toJson().toString(true);
	tlog::conf::PlayConfig again;
	ConfigSchema againSchema;
	again.bind(againSchema);
	try {
		againSchema.apply(tlog::conf::parseConfigText(json, "printed"), "printed");
	} catch (const ConfigError &e) {
		fail("printed play configuration does not load: " + std::string(e.what()) + "\n" +
		     json);
	}
	if (again.toJson().toString(true) != json)
		fail("printed play configuration loads differently:\n" + json);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	Input in = split(std::string_view(reinterpret_cast<const char *>(data), size));
	if (in.envText)
		::setenv(kTextVar, in.envText->c_str(), 1);
	else
		::unsetenv(kTextVar);
	fuzzRec(in);
	fuzzSession(in, false);
	fuzzSession(in, true);
	fuzzPlay(in);
	return 0;
}
