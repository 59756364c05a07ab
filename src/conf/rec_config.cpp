// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/rec_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <limits>

#include <string_view>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::conf {

namespace {

// The names the sinks understand. conf may not use sink/, so they are
// listed here too; the writers reject anything else again.
const std::vector<std::string> kFacilities = {
    "auth",   "authpriv", "cron",   "daemon", "ftp", "kern", "local0", "local1", "local2", "local3",
    "local4", "local5",	  "local6", "local7", "lpr", "mail", "news",   "syslog", "user",   "uucp",
};
const std::vector<std::string> kPriorities = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

constexpr std::int64_t kMaxLatency = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMaxPayload = std::int64_t(1) << 30;
constexpr std::int64_t kMaxLimit = std::numeric_limits<std::int32_t>::max() * std::int64_t(1024);

} // namespace

ConfigOrigin recConfigOrigin()
{
	return ConfigOrigin{std::string(TLOG_SYSCONFDIR) + "/tlog/tlog-rec.conf",
			    "TLOG_REC_CONF_FILE", "TLOG_REC_CONF_TEXT"};
}

void RecConfig::bind(ConfigSchema &schema)
{
	schema.integer("latency", latency, 1, kMaxLatency);
	// The journal writer's bound on whole messages depends on the
	// envelope: the recorder checks it (and refuses or lowers the
	// payload) when a recording starts.
	schema.integer("payload", payload, 32, kMaxPayload);
	schema.string("writer", writer, {"journal", "syslog", "file"});
	schema.boolean("log.input", logInput);
	schema.boolean("log.output", logOutput);
	schema.boolean("log.window", logWindow);
	schema.integer("limit.rate", limitRate, 0, kMaxLimit);
	schema.integer("limit.burst", limitBurst, 0, kMaxLimit);
	schema.string("limit.action", limitAction, {"pass", "delay", "drop"});
	schema.string("file.path", filePath);
	schema.string("syslog.facility", syslogFacility, kFacilities);
	schema.string("syslog.priority", syslogPriority, kPriorities);
	schema.string("syslog.socket", syslogSocket);
	schema.string("journal.priority", journalPriority, kPriorities);
	schema.boolean("journal.augment", journalAugment);
	schema.integer("journal.buffer", journalBuffer, 0, kMaxPayload);
	schema.integer("journal.rate_limit_burst", journalRateBurst, 0, 100000000);
	schema.integer("journal.rate_limit_interval", journalRateInterval, 1, 86400);
	schema.string("journal.overflow", journalOverflow, {"delay", "fail"});
}

void RecConfig::validate() const
{
	if (writer == "file" && filePath.empty())
		throw base::ConfigError("the file writer needs a file path: set file.path "
					"(-o FILE) or choose another writer (-w)");
	if (limitAction == "delay" && limitRate == 0)
		throw base::ConfigError(
		    "limit.rate: must be above 0 when limit.action is \"delay\"");
}

void applyLayers(const ConfigSchema &schema, const ConfigOrigin &origin,
		 const std::vector<Setting> &commandLine)
{
	if (!origin.systemFile.empty())
		if (auto system = loadConfigFile(origin.systemFile, false); !system.isNull())
			schema.apply(system, origin.systemFile);
	if (const char *file = std::getenv(origin.fileVar.c_str()); file != nullptr) {
		if (*file == '\0')
			throw base::ConfigError(origin.fileVar + ": names no file");
		// Errors name the file; say which variable pointed there too.
		try {
			schema.apply(loadConfigFile(file, true), file);
		} catch (const base::ConfigError &e) {
			throw base::ConfigError(std::string(e.what()) + " (from " + origin.fileVar +
						")");
		}
	}
	if (const char *text = std::getenv(origin.textVar.c_str()); text != nullptr)
		schema.apply(parseConfigText(text, origin.textVar), origin.textVar);
	for (auto &[key, value] : commandLine)
		schema.applyText(key, value, kCommandLine);
}

RecConfig loadRecConfig(const ConfigOrigin &origin, const std::vector<Setting> &commandLine)
{
	RecConfig config;
	ConfigSchema schema;
	config.bind(schema);
	applyLayers(schema, origin, commandLine);
	return config;
}

std::string configurationJson(const RecConfig &config)
{
	// The schema binds non-const fields; toJson() only reads them.
	RecConfig copy = config;
	ConfigSchema schema;
	copy.bind(schema);
	return schema.toJson().toString(true);
}

ConfigOrigin sessionConfigOrigin()
{
	return ConfigOrigin{std::string(TLOG_SYSCONFDIR) + "/tlog/tlog-rec-session.conf",
			    "TLOG_REC_SESSION_CONF_FILE", "TLOG_REC_SESSION_CONF_TEXT"};
}

SessionConfig::SessionConfig()
{
	// A session recorder must not let a session go on unrecorded.
	rec.writer = "journal";
	rec.journalOverflow = "fail";
}

void SessionConfig::bind(ConfigSchema &schema)
{
	rec.bind(schema);
	schema.string("shell", shell);
	schema.string("notice", notice);
}

void SessionConfig::validate() const
{
	rec.validate();
	if (shell.empty() || shell.front() != '/')
		throw base::ConfigError("shell: must be an absolute path, not " + base::quoted(shell));
}

bool isUserSettableKey(std::string_view key) noexcept
{
	return key == "shell" || key == "notice";
}

namespace {

/// @p layer with its user-settable keys only; each other one is noted.
json::JsonRef userSettableOnly(const json::JsonRef &layer, std::string_view source,
			       std::vector<std::string> &ignored)
{
	if (layer.type() != json::JsonType::Object)
		return layer; // apply() reports it
	json::JsonRef kept = json::JsonRef::makeObject();
	layer.forEach([&](std::string_view key, const json::JsonRef &value) {
		if (isUserSettableKey(key))
			kept.set(key, value);
		else
			ignored.push_back(std::string(source) + ": " + std::string(key));
	});
	return kept;
}

} // namespace

void applySystemLayer(const ConfigSchema &schema, const ConfigOrigin &origin)
{
	if (!origin.systemFile.empty())
		if (auto system = loadConfigFile(origin.systemFile, false); !system.isNull())
			schema.apply(system, origin.systemFile);
}

void applyEnvironmentLayers(const ConfigSchema &schema, const ConfigOrigin &origin, bool setId,
			    std::vector<std::string> &ignored)
{
	auto apply = [&](const json::JsonRef &layer, const std::string &source) {
		schema.apply(setId ? userSettableOnly(layer, source, ignored) : layer, source);
	};
	if (const char *file = std::getenv(origin.fileVar.c_str()); file != nullptr) {
		if (*file == '\0')
			throw base::ConfigError(origin.fileVar + ": names no file");
		try {
			apply(loadConfigFile(file, true), file);
		} catch (const base::ConfigError &e) {
			throw base::ConfigError(std::string(e.what()) + " (from " + origin.fileVar +
						")");
		}
	}
	if (const char *text = std::getenv(origin.textVar.c_str()); text != nullptr)
		apply(parseConfigText(text, origin.textVar), origin.textVar);
}

SessionConfig loadSessionConfig(const ConfigOrigin &origin, bool setId,
				std::vector<std::string> &ignored)
{
	SessionConfig config;
	ConfigSchema schema;
	config.bind(schema);
	applySystemLayer(schema, origin);
	applyEnvironmentLayers(schema, origin, setId, ignored);
	return config;
}

std::string configurationJson(const SessionConfig &config)
{
	SessionConfig copy = config;
	ConfigSchema schema;
	copy.bind(schema);
	return schema.toJson().toString(true);
}

} // namespace tlog::conf
