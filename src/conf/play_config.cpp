// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/play_config.hpp"

#include <cstdint>
#include <cstdlib>

#include "config.h"

namespace tlog::conf {

ConfigOrigin playConfigOrigin()
{
	return ConfigOrigin{TLOG_SYSCONFDIR "/tlog/tlog-play.conf", "TLOG_PLAY_CONF_FILE",
			    "TLOG_PLAY_CONF_TEXT"};
}

PlayConfigSources PlayConfigSources::fromEnvironment()
{
	auto layers = ConfigLayers::fromEnvironment(playConfigOrigin());
	return PlayConfigSources{layers.systemFile, layers.envFile, layers.envText};
}

ConfigLayers PlayConfigSources::layers() const
{
	auto origin = playConfigOrigin();
	return ConfigLayers{systemFile, origin.fileVar, envFile, origin.textVar, envText};
}

void PlayConfig::bind(ConfigSchema &schema)
{
	schema.string("reader", reader, {"file", "journal", "es", "asciicast"});
	schema.string("file.path", filePath);
	schema.string("file.match", fileMatch);
	schema.string("es.baseurl", esBaseurl);
	schema.string("es.query", esQuery);
	schema.boolean("es.verbose", esVerbose);
	schema.string("es.user", esUser);
	schema.number("es.timeout", esTimeout, 0.1, 3600);
	schema.strings("journal.match", journalMatch);
	schema.integer("journal.since", journalSince, 0, INT64_MAX);
	schema.integer("journal.until", journalUntil, 0, INT64_MAX);
	schema.string("journal.namespace", journalNamespace);
	schema.string("journal.directory", journalDirectory);
	schema.strings("journal.files", journalFiles);
	schema.string("journal.trusted_uid", journalTrustedUid);
	schema.string("journal.cursor", journalCursor);
	schema.string("journal.after_cursor", journalAfterCursor);
	schema.string("journal.cursor_file", journalCursorFile);
	schema.string("rec", rec);
	schema.string("user", user);
	schema.string("host", host);
	schema.integer("session", session, -1, 4294967295);
	schema.boolean("newest", newest);
	schema.boolean("persist", persist);
	schema.boolean("lax", lax);
	schema.boolean("follow", follow);
	schema.boolean("paused", paused);
	schema.number("speed", speed, kMinSpeed, kMaxSpeed);
	schema.string("goto", goTo);
	schema.number("idle_limit", idleLimit, 0, kMaxIdleLimit);
	schema.boolean("status", status);
	schema.boolean("resize", resize);
	schema.boolean("raw_output", rawOutput);
	schema.boolean("seek_cache", seekCache);
}

void PlayConfig::loadLayers(const PlayConfigSources &sources)
{
	ConfigSchema schema;
	bind(schema);
	auto layers = sources.layers();
	applySystemLayer(schema, layers);
	applyEnvironmentLayers(schema, layers);
}

} // namespace tlog::conf
