// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/playback.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/play/asciicast_export.hpp"
#include "tlog/play/player.hpp"
#include "tlog/play/position.hpp"

namespace tlog::play {

namespace {

uid_t resolveUid(const std::string &user)
{
	unsigned long value = 0;
	auto [end, ec] = std::from_chars(user.data(), user.data() + user.size(), value);
	if (ec == std::errc() && end == user.data() + user.size())
		return static_cast<uid_t>(value);
	passwd *pw = ::getpwnam(user.c_str());
	if (pw == nullptr)
		throw base::UsageError("trusted uid: no user " + base::quoted(user));
	return pw->pw_uid;
}

std::string readCursorFile(const std::string &path)
{
	std::ifstream in(path);
	if (!in) {
		if (errno == ENOENT)
			return {}; // first run: start from the selection's beginning
		throw std::system_error(errno, std::system_category(), "reading cursor file " + path);
	}
	std::string cursor;
	std::getline(in, cursor);
	return cursor;
}

// Atomically: a reader of the file never sees half a cursor.
void writeCursorFile(const std::string &path, const std::string &cursor)
{
	std::string tmp = path + ".tmp";
	base::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
	if (!fd)
		base::throwErrno("writing cursor file " + tmp);
	base::writeAll(fd.get(), cursor + "\n");
	if (::fsync(fd.get()) < 0)
		base::throwErrno("writing cursor file " + tmp);
	fd.reset();
	if (::rename(tmp.c_str(), path.c_str()) < 0)
		base::throwErrno("renaming " + tmp + " to " + path);
}

std::string quoted(const std::string &value)
{
	std::string out = "\"";
	for (char c : value) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

// --export: the whole recording written at once, in another format.
void exportRecording(const PlaybackRequest &request, const source::ReaderSpec &spec,
		     const PlayerOptions &options)
{
	if (spec.follow)
		throw base::UsageError("--export writes a whole recording: it cannot --follow");
	auto reader = source::makeReader(spec);
	// Opened once the recording is, so a bad source leaves the file alone.
	base::UniqueFd file;
	int fd = request.outFd;
	if (!request.exportPath.empty() && request.exportPath != "-") {
		file.reset(::open(request.exportPath.c_str(),
				  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666));
		if (!file)
			base::throwErrno("writing " + request.exportPath);
		fd = file.get();
	}
	try {
		if (request.exportFormat == "text") {
			// The screen emulated to the end, nothing shown on the way.
			PlayerOptions text = options;
			text.exportText = true;
			text.handleSignals = false;
			Player(*reader, text, fd, -1).run();
			return;
		}
		exportAsciicast(*reader,
				ExportOptions{options.match, options.select, options.lax,
					      options.fromMiddle, options.idleLimit},
				fd);
	} catch (const std::system_error &e) {
		// Errors only writing gives: name the file (a reader names its
		// own source).
		int err = e.code().value();
		if (file && e.code().category() == std::system_category() &&
		    (err == ENOSPC || err == EFBIG || err == EDQUOT))
			base::throwSystem(err, "writing " + request.exportPath);
		throw;
	}
}

} // namespace

source::ReaderSpec readerSpec(const conf::PlayConfig &config)
{
	source::ReaderSpec spec;
	spec.type = config.reader;
	spec.path = config.filePath;
	spec.follow = config.follow;
	if (!config.rec.empty() && !config.fileMatch.empty() && config.rec != config.fileMatch)
		throw base::UsageError("--rec and --file-match name different recordings");
	spec.rec = !config.rec.empty() ? config.rec : config.fileMatch;

	// Journal: the short selections are indexed fields, ANDed with -M.
	auto &j = spec.journal;
	j.matches = config.journalMatch;
	if (!config.user.empty())
		j.required.push_back("TLOG_USER=" + config.user);
	if (!config.host.empty())
		j.required.push_back("TLOG_HOST=" + config.host);
	if (config.session >= 0)
		j.required.push_back("TLOG_SESSION=" + std::to_string(config.session));
	if (config.journalSince > 0)
		j.sinceUsec = static_cast<std::uint64_t>(config.journalSince) * 1000000;
	if (config.journalUntil > 0)
		j.untilUsec = static_cast<std::uint64_t>(config.journalUntil) * 1000000;
	j.nameSpace = config.journalNamespace;
	if (!config.journalDirectory.empty())
		j.directories.push_back(config.journalDirectory);
	j.files = config.journalFiles;
	if (!config.journalTrustedUid.empty())
		j.trustedUid = resolveUid(config.journalTrustedUid);
	int cursors = !config.journalCursor.empty() + !config.journalAfterCursor.empty() +
		      !config.journalCursorFile.empty();
	if (cursors > 1)
		throw base::UsageError("give only one of --cursor, --after-cursor and --cursor-file");
	if (!config.journalCursor.empty()) {
		j.cursor = config.journalCursor;
	} else if (!config.journalAfterCursor.empty()) {
		j.cursor = config.journalAfterCursor;
		j.afterCursor = true;
	} else if (!config.journalCursorFile.empty()) {
		j.cursor = readCursorFile(config.journalCursorFile);
		j.afterCursor = !j.cursor.empty();
	}

	// Elasticsearch: the same selections as query-string terms.
	auto &es = spec.es;
	es.baseUrl = config.esBaseurl;
	es.verbose = config.esVerbose;
	es.userPassword = config.esUser;
	es.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(config.esTimeout * 1000));
	std::vector<std::string> terms;
	if (!config.esQuery.empty())
		terms.push_back("(" + config.esQuery + ")");
	if (!config.user.empty())
		terms.push_back("user:" + quoted(config.user));
	if (!config.host.empty())
		terms.push_back("host:" + quoted(config.host));
	if (config.session >= 0)
		terms.push_back("session:" + std::to_string(config.session));
	for (auto &t : terms)
		es.query += (es.query.empty() ? "" : " AND ") + t;
	return spec;
}

std::vector<RecordingInfo> listSelected(const source::ReaderSpec &spec, const Selection &select)
{
	std::vector<RecordingInfo> list;
	for (auto &edges : source::listRecordings(spec)) {
		// One damaged recording must not hide the others.
		try {
			auto info = summarize(edges.rec, edges.firstMessage, edges.lastMessage,
					      edges.firstUsec, edges.location);
			info.writer = edges.writer;
			info.foreignEntries = edges.foreignEntries;
			if (select.matches(info))
				list.push_back(std::move(info));
		} catch (const base::FormatError &e) {
			base::logLine("recording " + edges.rec + " skipped: " + e.what());
		}
	}
	std::stable_sort(list.begin(), list.end(),
			 [](const auto &a, const auto &b) { return a.start < b.start; });
	return list;
}

int runPlayback(const conf::PlayConfig &config, const PlaybackRequest &request)
{
	source::ReaderSpec spec = readerSpec(config);
	// Asked of indexed stores through the spec; checked here too, which a
	// file, having no index, needs.
	Selection select;
	select.user = config.user;
	select.host = config.host;
	if (config.session >= 0)
		select.session = static_cast<std::uint32_t>(config.session);
	if (request.list) {
		auto list = listSelected(spec, select);
		base::writeAll(request.outFd, request.json ? toJson(list).toString(true) + "\n"
							   : formatTable(list));
		return 0;
	}

	std::optional<base::Timestamp> recordedLength; // for the status line
	// A file is played as it is read (the player picks the first
	// recording or -m); indexed stores are asked first which recordings
	// the selection holds, so two are never interleaved.
	if (spec.type != "file" && spec.type != "asciicast" && spec.rec.empty()) {
		auto list = listSelected(spec, select);
		if (list.empty())
			throw std::runtime_error("no recording in " +
						 std::string(spec.type == "journal" ? "the journal"
										    : spec.es.baseUrl) +
						 " matches the selection");
		if (list.size() > 1) {
			// Anyone who can run a recorder can add a recording to a
			// selection (the set-id session recorder run by hand makes
			// one of the user's own audit session): never pick one
			// without showing all of them first.
			std::string text = std::to_string(list.size()) + " recordings match" +
					   (select.any() ? " " + select.describe() : std::string()) +
					   ":\n" + formatTable(list);
			if (!config.newest)
				throw std::runtime_error(text + "choose one with --rec=ID (or play the "
								"newest with --newest)");
			base::logLine(text + "playing the newest (--newest): " + list.back().rec);
		}
		spec.rec = list.back().rec;
		recordedLength = std::chrono::milliseconds(list.back().durationMs);
	}

	PlayerOptions options;
	try {
		options.goTo = parsePosition(config.goTo);
	} catch (const base::UsageError &e) {
		throw base::UsageError(std::string("goto: ") + e.what());
	}
	options.match = spec.rec;
	options.select = select;
	options.follow = config.follow;
	options.lax = config.lax;
	options.paused = config.paused;
	options.persist = config.persist;
	options.speed = config.speed;
	// Started at a cursor or a time, the first message is not id 1.
	options.fromMiddle = !spec.journal.cursor.empty() || spec.journal.sinceUsec.has_value();
	options.idleLimit = std::chrono::duration_cast<base::Timestamp>(
		std::chrono::duration<double>(config.idleLimit));
	options.search = request.search;
	options.status = config.status;
	// Known ahead for an ended recording played at its own times.
	if (!config.follow && config.idleLimit == 0)
		options.duration = recordedLength;
	options.resize = config.resize;
	if (!request.exportFormat.empty()) {
		exportRecording(request, spec, options);
		return 0;
	}
	if (request.listMatches) {
		if (spec.follow)
			throw base::UsageError("--list-matches reads a whole recording: it cannot --follow");
		auto reader = source::makeReader(spec);
		options.listMatches = true;
		auto result = Player(*reader, options, request.outFd, -1).run();
		if (result.signal == 0 && result.matches == 0)
			throw std::runtime_error("\"" + request.search + "\" never shows on the screen");
		return result.signal;
	}

	// Typed input, as a second stream (a file, another terminal, a FIFO).
	base::UniqueFd inputFile;
	if (!request.inputPath.empty()) {
		inputFile.reset(::open(request.inputPath.c_str(),
				       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666));
		if (!inputFile)
			base::throwErrno("writing " + request.inputPath);
		options.inputFd = inputFile.get();
	}

	auto reader = source::makeReader(spec);
	PlayResult result;
	std::string resume;
	{
		Player player(*reader, options, request.outFd, request.keyFd);
		try {
			result = player.run();
		} catch (...) {
			resume = player.resumePosition();
			if (!config.journalCursorFile.empty() && !resume.empty())
				writeCursorFile(config.journalCursorFile, resume);
			throw;
		}
		resume = player.resumePosition();
	}
	if (!config.journalCursorFile.empty() && !resume.empty())
		writeCursorFile(config.journalCursorFile, resume);
	return result.signal;
}

} // namespace tlog::play
