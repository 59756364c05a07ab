// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/rec_config.hpp"

#include <cstdint>
#include <limits>

#include "config.h"
#include "tlog/base/error.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/sink/syslog_writer.hpp"

namespace tlog::conf {

namespace {

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
	schema.string("writer", writer.type, {"journal", "syslog", "file"});
	schema.boolean("log.input", logInput);
	schema.boolean("log.output", logOutput);
	schema.boolean("log.window", logWindow);
	schema.integer("limit.rate", limitRate, 0, kMaxLimit);
	schema.integer("limit.burst", limitBurst, 0, kMaxLimit);
	schema.string("limit.action", limitAction, {"pass", "delay", "drop"});
	schema.string("sign.key", signKey);
	// The writers' options, bound where the writers take them.
	schema.string("file.path", writer.file.path);
	schema.string("syslog.facility", writer.syslog.facility, sink::syslogFacilityNames());
	schema.string("syslog.priority", writer.syslog.priority, sink::syslogPriorityNames());
	schema.string("syslog.socket", writer.syslog.socket);
	auto &journal = writer.journal;
	schema.string("journal.priority", journal.priority, sink::syslogPriorityNames());
	schema.boolean("journal.augment", journal.augment);
	schema.integer("journal.buffer", journal.bufferBytes, 0, kMaxPayload);
	schema.integer("journal.rate_limit_burst", journal.rateBurst, 0, 100000000);
	schema.integer("journal.rate_limit_interval", journal.rateInterval, 1, 86400);
	schema.choice("journal.overflow", journal.failOnOverflow,
		      {{"delay", false}, {"fail", true}});
}

void RecConfig::validate() const
{
	if (writer.type == "file" && writer.file.path.empty())
		throw base::ConfigError("the file writer needs a file path: set file.path "
					"(-o FILE) or choose another writer (-w)");
	if (limitAction == "delay" && limitRate == 0)
		throw base::ConfigError(
		    "limit.rate: must be above 0 when limit.action is \"delay\"");
}

RecConfig loadRecConfig(const ConfigOrigin &origin, const std::vector<Setting> &commandLine)
{
	return loadConfig<RecConfig>(ConfigLayers::fromEnvironment(origin), commandLine);
}

ConfigOrigin sessionConfigOrigin()
{
	return ConfigOrigin{std::string(TLOG_SYSCONFDIR) + "/tlog/tlog-rec-session.conf",
			    "TLOG_REC_SESSION_CONF_FILE", "TLOG_REC_SESSION_CONF_TEXT"};
}

SessionConfig::SessionConfig()
{
	// A session recorder must not let a session go on unrecorded.
	rec.writer.type = "journal";
	rec.writer.journal.failOnOverflow = true;
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
		throw base::ConfigError("shell: must be an absolute path, not " +
					base::quoted(shell));
}

bool isUserSettableKey(std::string_view key) noexcept
{
	return key == "shell" || key == "notice";
}

SessionConfig loadSessionConfig(const ConfigOrigin &origin, bool setId,
				std::vector<std::string> &ignored)
{
	SessionConfig config;
	ConfigSchema schema;
	config.bind(schema);
	auto layers = ConfigLayers::fromEnvironment(origin);
	applySystemLayer(schema, layers);
	applyEnvironmentLayers(schema, layers, setId ? isUserSettableKey : nullptr, &ignored);
	return config;
}

} // namespace tlog::conf
