// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlog/conf/config_schema.hpp"

namespace tlog::conf {

/// The one configuration model of every program: a configuration is a
/// struct of typed fields with defaults and a bind() that binds each of
/// its keys to a field in a ConfigSchema. Layers go on in order, lowest
/// first: the system file, the file an environment variable names, the
/// JSON text in another variable, then the command line's settings;
/// every error names the key and the layer it came from.
template <typename Config>
concept Configuration = requires(Config &config, ConfigSchema &schema)
{
	config.bind(schema);
};

/// Where one program's layers come from: recConfigOrigin(),
/// sessionConfigOrigin(), playConfigOrigin().
struct ConfigOrigin {
	std::string systemFile; ///< read when it exists (e.g. /etc/tlog/tlog-rec.conf)
	std::string fileVar;	///< names a file that must exist (TLOG_REC_CONF_FILE)
	std::string textVar;	///< holds JSON text (TLOG_REC_CONF_TEXT)
};

/// The layers below the command line as found at one moment: the origin's
/// names and what its variables held.
struct ConfigLayers {
	std::string systemFile;		    ///< may be missing; "" for none
	std::string fileVar;		    ///< names envFile in errors
	std::optional<std::string> envFile; ///< must exist
	std::string textVar;		    ///< names envText in errors
	std::optional<std::string> envText;

	/// @p origin with its variables as the environment holds them now.
	static ConfigLayers fromEnvironment(const ConfigOrigin &origin);
};

/// One command-line setting: a dotted key and its text value.
using Setting = std::pair<std::string, std::string>;

/// The source name command-line settings are reported under.
inline constexpr const char *kCommandLine = "command line";

/// Which keys a layer may set: a top-level key ("journal" for all of
/// journal.*); nullptr lets every key through.
using KeyFilter = bool (*)(std::string_view key) noexcept;

/// Applies the system file of @p layers (skipped when missing).
/// Throws: base::ConfigError naming the file and the key.
void applySystemLayer(const ConfigSchema &schema, const ConfigLayers &layers);

/// Applies the environment's layers of @p layers: the file it names (read
/// with the caller's current ids), then the text. With @p keep, only the
/// keys it passes apply; each other one is left out and added to
/// @p ignored as "SOURCE: key".
/// Throws: base::ConfigError naming the variable (and the file) and the key.
void applyEnvironmentLayers(const ConfigSchema &schema, const ConfigLayers &layers,
			    KeyFilter keep = nullptr, std::vector<std::string> *ignored = nullptr);

/// Applies @p settings, the last layer, in order.
/// Throws: base::UsageError "command line: KEY: what is wrong" (a bad
/// value given there is a usage error).
void applyCommandLine(const ConfigSchema &schema, const std::vector<Setting> &settings);

/// Every layer in order: applySystemLayer(), applyEnvironmentLayers(),
/// applyCommandLine(). Throws: as those.
void applyLayers(const ConfigSchema &schema, const ConfigLayers &layers,
		 const std::vector<Setting> &settings);

/// A @p Config with every layer applied (not validated).
/// Throws: as applyLayers().
template <Configuration Config>
Config loadConfig(const ConfigLayers &layers, const std::vector<Setting> &settings)
{
	Config config;
	ConfigSchema schema;
	config.bind(schema);
	applyLayers(schema, layers, settings);
	return config;
}

/// The configuration's keys and values as JSON (--configuration).
template <Configuration Config> json::JsonRef configurationObject(const Config &config)
{
	// The schema binds writable fields; toJson() only reads them.
	Config copy = config;
	ConfigSchema schema;
	copy.bind(schema);
	return schema.toJson();
}

/// The configuration as pretty JSON, as --configuration prints it.
template <Configuration Config> std::string configurationJson(const Config &config)
{
	return configurationObject(config).toString(true);
}

} // namespace tlog::conf
