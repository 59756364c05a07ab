// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/conf/play_config.hpp"

#include <cstdint>
#include <cstdlib>

#include "config.h"

namespace tlog::conf {

PlayConfigSources PlayConfigSources::fromEnvironment()
{
	PlayConfigSources sources;
	sources.systemFile = TLOG_SYSCONFDIR "/tlog/tlog-play.conf";
	if (const char *file = std::getenv("TLOG_PLAY_CONF_FILE"))
		sources.envFile = file;
	if (const char *text = std::getenv("TLOG_PLAY_CONF_TEXT"))
		sources.envText = text;
	return sources;
}

PlayConfig::PlayConfig()
{
	schema_.string("reader", reader, {"file", "journal", "es", "asciicast"});
	schema_.string("file.path", filePath);
	schema_.string("file.match", fileMatch);
	schema_.string("es.baseurl", esBaseurl);
	schema_.string("es.query", esQuery);
	schema_.boolean("es.verbose", esVerbose);
	schema_.string("es.user", esUser);
	schema_.number("es.timeout", esTimeout, 0.1, 3600);
	schema_.strings("journal.match", journalMatch);
	schema_.integer("journal.since", journalSince, 0, INT64_MAX);
	schema_.integer("journal.until", journalUntil, 0, INT64_MAX);
	schema_.string("journal.namespace", journalNamespace);
	schema_.string("journal.directory", journalDirectory);
	schema_.strings("journal.files", journalFiles);
	schema_.string("journal.trusted_uid", journalTrustedUid);
	schema_.string("journal.cursor", journalCursor);
	schema_.string("journal.after_cursor", journalAfterCursor);
	schema_.string("journal.cursor_file", journalCursorFile);
	schema_.string("rec", rec);
	schema_.string("user", user);
	schema_.string("host", host);
	schema_.integer("session", session, -1, 4294967295);
	schema_.boolean("newest", newest);
	schema_.boolean("persist", persist);
	schema_.boolean("lax", lax);
	schema_.boolean("follow", follow);
	schema_.boolean("paused", paused);
	schema_.number("speed", speed, kMinSpeed, kMaxSpeed);
	schema_.string("goto", goTo);
	schema_.number("idle_limit", idleLimit, 0, kMaxIdleLimit);
	schema_.boolean("status", status);
	schema_.boolean("resize", resize);
	schema_.boolean("raw_output", rawOutput);
}

void PlayConfig::loadLayers(const PlayConfigSources &sources)
{
	if (!sources.systemFile.empty())
		if (auto layer = loadConfigFile(sources.systemFile, false); !layer.isNull())
			schema_.apply(layer, sources.systemFile);
	if (sources.envFile)
		schema_.apply(loadConfigFile(*sources.envFile, true), *sources.envFile);
	if (sources.envText)
		schema_.apply(parseConfigText(*sources.envText, "TLOG_PLAY_CONF_TEXT"),
			      "TLOG_PLAY_CONF_TEXT");
}

void PlayConfig::set(std::string_view key, std::string_view text, std::string_view source)
{
	schema_.applyText(key, text, source);
}

} // namespace tlog::conf
