// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/config_layers.hpp"

#include <cstdlib>

#include "tlog/base/error.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::conf {

namespace {

/// @p layer with the keys @p keep passes only; each other one is noted.
json::JsonRef keptKeys(const json::JsonRef &layer, std::string_view source, KeyFilter keep,
		       std::vector<std::string> *ignored)
{
	if (layer.type() != json::JsonType::Object)
		return layer; // apply() reports it
	json::JsonRef kept = json::JsonRef::makeObject();
	layer.forEach([&](std::string_view key, const json::JsonRef &value) {
		if (keep(key))
			kept.set(key, value);
		else if (ignored != nullptr)
			ignored->push_back(std::string(source) + ": " + std::string(key));
	});
	return kept;
}

} // namespace

ConfigLayers ConfigLayers::fromEnvironment(const ConfigOrigin &origin)
{
	ConfigLayers layers;
	layers.systemFile = origin.systemFile;
	layers.fileVar = origin.fileVar;
	layers.textVar = origin.textVar;
	if (const char *file = std::getenv(origin.fileVar.c_str()); file != nullptr)
		layers.envFile = file;
	if (const char *text = std::getenv(origin.textVar.c_str()); text != nullptr)
		layers.envText = text;
	return layers;
}

void applySystemLayer(const ConfigSchema &schema, const ConfigLayers &layers)
{
	if (!layers.systemFile.empty())
		if (auto system = loadConfigFile(layers.systemFile, false); !system.isNull())
			schema.apply(system, layers.systemFile);
}

void applyEnvironmentLayers(const ConfigSchema &schema, const ConfigLayers &layers, KeyFilter keep,
			    std::vector<std::string> *ignored)
{
	auto apply = [&](const json::JsonRef &layer, const std::string &source) {
		schema.apply(keep != nullptr ? keptKeys(layer, source, keep, ignored) : layer,
			     source);
	};
	if (layers.envFile) {
		const std::string &file = *layers.envFile;
		if (file.empty())
			throw base::ConfigError(layers.fileVar + ": names no file");
		// Errors name the file; say which variable pointed there too.
		try {
			apply(loadConfigFile(file, true), file);
		} catch (const base::ConfigError &e) {
			throw base::ConfigError(std::string(e.what()) + " (from " + layers.fileVar +
						")");
		}
	}
	if (layers.envText)
		apply(parseConfigText(*layers.envText, layers.textVar), layers.textVar);
}

void applyCommandLine(const ConfigSchema &schema, const std::vector<Setting> &settings)
{
	for (const auto &[key, value] : settings) {
		try {
			schema.applyText(key, value, kCommandLine);
		} catch (const base::ConfigError &e) {
			throw base::UsageError(e.what());
		}
	}
}

void applyLayers(const ConfigSchema &schema, const ConfigLayers &layers,
		 const std::vector<Setting> &settings)
{
	applySystemLayer(schema, layers);
	applyEnvironmentLayers(schema, layers);
	applyCommandLine(schema, settings);
}

} // namespace tlog::conf
