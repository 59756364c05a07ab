// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tlog::conf {

class ConfigSchema;

/// Where one program's configuration layers come from. tlog-rec uses
/// recConfigOrigin(); another program (tlog-rec-session) passes its own
/// file and variable names.
struct ConfigOrigin {
	std::string systemFile; ///< read when it exists (e.g. /etc/tlog/tlog-rec.conf)
	std::string fileVar;	///< names a file that must exist (TLOG_REC_CONF_FILE)
	std::string textVar;	///< holds JSON text (TLOG_REC_CONF_TEXT)
};

/// TLOG_SYSCONFDIR/tlog/tlog-rec.conf, TLOG_REC_CONF_FILE, TLOG_REC_CONF_TEXT.
ConfigOrigin recConfigOrigin();

/// One command-line setting: a dotted key and its text value.
using Setting = std::pair<std::string, std::string>;

/// The source name command-line settings are reported under.
inline constexpr const char *kCommandLine = "command line";

/// The recorder's settings, with the reference tlog-rec's defaults.
struct RecConfig {
	std::int64_t latency = 10;   ///< seconds a message may wait, 1..
	std::int64_t payload = 2048; ///< bytes per message, 32..
	bool logInput = false;
	bool logOutput = true;
	bool logWindow = true;
	std::int64_t limitRate = 16384;	  ///< bytes/s
	std::int64_t limitBurst = 32768;  ///< bytes
	std::string limitAction = "pass"; ///< pass, delay or drop
	std::string filePath;
	std::string syslogFacility = "authpriv";
	std::string syslogPriority = "info";
	std::string journalPriority = "info";
	bool journalAugment = true;
	/// Bytes of messages held in memory while the journal is away.
	std::int64_t journalBuffer = 16 << 20;
	/// When that is full: "delay" the session, or "fail" (end it).
	std::string journalOverflow = "delay";
	std::string writer = "journal"; ///< journal, syslog or file

	/// Binds every key ("latency", "limit.rate", ...) to this object's
	/// fields; the object must outlive @p schema.
	void bind(ConfigSchema &schema);

	/// Checks what no single key can: the file writer needs file.path,
	/// "delay" needs a rate above 0.
	/// Throws: base::ConfigError saying what is missing.
	void validate() const;
};

/// Applies the layers in order, lowest first: @p origin's system file
/// (skipped when missing), the file named by its fileVar (must exist),
/// the text in its textVar, then @p commandLine.
/// Throws: base::ConfigError naming the key and the source (the file's
/// path, the variable's name, or "command line").
void applyLayers(const ConfigSchema &schema, const ConfigOrigin &origin,
		 const std::vector<Setting> &commandLine);

/// RecConfig with all layers applied (not yet validated).
/// Throws: base::ConfigError as applyLayers().
RecConfig loadRecConfig(const ConfigOrigin &origin, const std::vector<Setting> &commandLine);

/// The merged configuration as pretty JSON (--configuration).
std::string configurationJson(const RecConfig &config);

} // namespace tlog::conf
