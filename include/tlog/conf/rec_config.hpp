// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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
	std::string syslogSocket = "/dev/log"; ///< the syslog daemon's datagram socket
	std::string journalPriority = "info";
	bool journalAugment = true;
	/// Bytes of messages held in memory while the journal is away.
	std::int64_t journalBuffer = 16 << 20;
	/// At most this many entries per journalRateInterval seconds (0: no
	/// pacing), below journald's RateLimitBurst, which drops the excess.
	std::int64_t journalRateBurst = 8000;
	std::int64_t journalRateInterval = 30;
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

/// TLOG_SYSCONFDIR/tlog/tlog-rec-session.conf, TLOG_REC_SESSION_CONF_FILE,
/// TLOG_REC_SESSION_CONF_TEXT.
ConfigOrigin sessionConfigOrigin();

/// tlog-rec-session's settings: every tlog-rec key plus "shell" and
/// "notice", with the session's defaults (journal writer, fail closed
/// when the journal stays away).
struct SessionConfig {
	RecConfig rec;
	std::string shell = "/bin/bash"; ///< the shell to record, an absolute path
	/// Printed to the terminal before an interactive session starts.
	std::string notice = "\nATTENTION! Your session is being recorded!\n\n";

	SessionConfig();

	/// Binds the tlog-rec keys, "shell" and "notice"; the object must
	/// outlive @p schema.
	void bind(ConfigSchema &schema);

	/// As RecConfig::validate(), and the shell must be an absolute path.
	/// Throws: base::ConfigError.
	void validate() const;
};

/// The keys a set-id tlog-rec-session takes from the user's environment:
/// shell and notice, which change what the user sees, not what is
/// recorded. Every other key (where the recording goes, what it holds,
/// how it is paced or limited) comes from the system file only: the
/// environment is the user's to set (su without -, pam_env, ssh's
/// AcceptEnv), and it must not switch the recording off.
bool isUserSettableKey(std::string_view key) noexcept;

/// Applies @p origin's system file to @p schema (skipped when missing).
/// Throws: base::ConfigError naming the file.
void applySystemLayer(const ConfigSchema &schema, const ConfigOrigin &origin);

/// Applies the environment's layers of @p origin: the file named by its
/// fileVar (read with the caller's current ids), then the text in its
/// textVar. With @p setId, only user-settable keys (isUserSettableKey())
/// apply: each other one is left out and added to @p ignored as
/// "VAR: key".
/// Throws: base::ConfigError naming the variable and key.
void applyEnvironmentLayers(const ConfigSchema &schema, const ConfigOrigin &origin, bool setId,
			    std::vector<std::string> &ignored);

/// SessionConfig with all of @p origin's layers applied (not validated).
/// Throws: base::ConfigError.
SessionConfig loadSessionConfig(const ConfigOrigin &origin, bool setId,
				std::vector<std::string> &ignored);

/// The merged session configuration as pretty JSON.
std::string configurationJson(const SessionConfig &config);

} // namespace tlog::conf
