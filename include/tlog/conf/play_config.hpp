// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/conf/config_layers.hpp"
#include "tlog/conf/config_schema.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::conf {

/// TLOG_SYSCONFDIR/tlog/tlog-play.conf, TLOG_PLAY_CONF_FILE, TLOG_PLAY_CONF_TEXT.
ConfigOrigin playConfigOrigin();

/// tlog-play's layers below the command line, lowest first, as values (a
/// test gives them without touching the environment); the variables are
/// named as playConfigOrigin() names them.
struct PlayConfigSources {
	std::string systemFile;		    ///< may be missing
	std::optional<std::string> envFile; ///< $TLOG_PLAY_CONF_FILE: must exist
	std::optional<std::string> envText; ///< $TLOG_PLAY_CONF_TEXT

	/// playConfigOrigin() as the environment holds it now.
	static PlayConfigSources fromEnvironment();
	/// These values as the layers of playConfigOrigin().
	ConfigLayers layers() const;
};

/// tlog-play's settings. The keys are the reference's (reader, file.*,
/// es.*, journal.*, persist, lax, speed, follow, paused, goto), so its
/// configuration files load unchanged, and the selections every reader
/// takes (rec, user, host, session).
struct PlayConfig {
	std::string reader = "file";	       ///< file, journal, es, asciicast
	std::string filePath;		       ///< file.path; "-" is standard input
	std::string fileMatch;		       ///< file.match: recording id to play
	std::string esBaseurl;		       ///< es.baseurl
	std::string esQuery;		       ///< es.query
	bool esVerbose = false;		       ///< es.verbose
	std::string esUser;		       ///< es.user: "USER:PASSWORD"; else ~/.netrc
	double esTimeout = 30;		       ///< es.timeout: seconds for one HTTP exchange
	std::vector<std::string> journalMatch; ///< journal.match
	std::int64_t journalSince = 0;	       ///< journal.since, 0: unset
	std::int64_t journalUntil = 0;	       ///< journal.until, 0: unset
	std::string journalNamespace;	       ///< journal.namespace
	std::string journalDirectory;	       ///< journal.directory (-D)
	std::vector<std::string> journalFiles; ///< journal.files (--file)
	std::string journalTrustedUid;	       ///< journal.trusted_uid: a uid or user name
	std::string journalCursor;	       ///< journal.cursor: start at this entry
	std::string journalAfterCursor;	       ///< journal.after_cursor: start after it
	std::string journalCursorFile;	       ///< journal.cursor_file: resume and save
	// Selections every reader maps to its own terms (the journal to
	// TLOG_* fields, Elasticsearch to query terms).
	std::string rec;	   ///< rec: the recording id
	std::string user;	   ///< user
	std::string host;	   ///< host
	std::int64_t session = -1; ///< session: audit session id, -1: any
	bool newest = false;	   ///< several recordings match: play the newest, not refuse
	bool persist = false;
	bool lax = false;
	bool follow = false;
	bool paused = false;
	double speed = 1.0;
	std::string goTo = "start"; ///< goto: start, end or [[H:]M:]S[.f]
	double idleLimit = 0;	    ///< idle_limit: longest pause in seconds, 0: keep all
	bool status = false;	    ///< status: a status line on the last row
	bool resize = false;	    ///< resize: ask the terminal for the recorded size
	bool rawOutput = false;	    ///< raw_output: recorded output unfiltered to the terminal
	bool seekCache = true;	    ///< seek_cache: keep a file's snapshots for the next run

	/// Binds every key above to this object's fields; the object must
	/// outlive @p schema.
	void bind(ConfigSchema &schema);

	/// Applies the file and environment layers of @p sources, lowest first.
	/// Throws: base::ConfigError "SOURCE: KEY: what is wrong".
	void loadLayers(const PlayConfigSources &sources);

	/// The merged configuration, for --configuration.
	json::JsonRef toJson() const { return configurationObject(*this); }
};

/// Lowest and highest playback speed multipliers accepted as settings.
inline constexpr double kMinSpeed = 0.001;
inline constexpr double kMaxSpeed = 1000.0;
/// Longest idle_limit accepted (a day); 0 means no limit.
inline constexpr double kMaxIdleLimit = 86400.0;

} // namespace tlog::conf
