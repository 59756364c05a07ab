// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/conf/config_layers.hpp"
#include "tlog/sink/writer_factory.hpp"

namespace tlog::conf {

/// TLOG_SYSCONFDIR/tlog/tlog-rec.conf, TLOG_REC_CONF_FILE, TLOG_REC_CONF_TEXT.
ConfigOrigin recConfigOrigin();

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
	/// The host's Ed25519 private key (PEM) signing the recordings;
	/// empty: not signed.
	std::string signKey;
	/// The writer ("writer": journal, syslog or file) with each writer's
	/// options: the "file", "syslog" and "journal" keys are bound to its
	/// fields.
	sink::WriterSpec writer;

	/// The defaults; the writer is the journal.
	RecConfig() { writer.type = "journal"; }

	/// Binds every key ("latency", "limit.rate", ...) to this object's
	/// fields; the object must outlive @p schema.
	void bind(ConfigSchema &schema);

	/// Checks what no single key can: the file writer needs file.path,
	/// "delay" needs a rate above 0.
	/// Throws: base::ConfigError saying what is missing.
	void validate() const;
};

/// RecConfig with all of @p origin's layers and @p commandLine applied
/// (not yet validated).
/// Throws: base::ConfigError naming the key and the source (the file's
/// path, the variable's name), base::UsageError for a command-line setting.
RecConfig loadRecConfig(const ConfigOrigin &origin, const std::vector<Setting> &commandLine);

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
/// AcceptEnv), and it must not switch the recording off. A KeyFilter
/// for applyEnvironmentLayers().
bool isUserSettableKey(std::string_view key) noexcept;

/// SessionConfig with all of @p origin's layers applied (not validated):
/// with @p setId, the environment's only through isUserSettableKey(),
/// each key left out added to @p ignored as "SOURCE: key".
/// Throws: base::ConfigError.
SessionConfig loadSessionConfig(const ConfigOrigin &origin, bool setId,
				std::vector<std::string> &ignored);

} // namespace tlog::conf
