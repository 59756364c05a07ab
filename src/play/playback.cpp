// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/playback.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/play_config.hpp"
#include "tlog/play/asciicast_export.hpp"
#include "tlog/play/command_line.hpp"
#include "tlog/play/player.hpp"
#include "tlog/play/position.hpp"
#include "tlog/play/snapshot_cache.hpp"
#include "tlog/play/snapshot_index.hpp"
#include "tlog/play/text_views.hpp"
#include "tlog/play/verify.hpp"
#include "tlog/term/signal_set.hpp"

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

// The directory part of @p path and the name in it.
std::pair<std::string, std::string> splitPath(const std::string &path)
{
	auto slash = path.rfind('/');
	if (slash == std::string::npos)
		return {".", path};
	return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// Whether anyone but us and root can add, remove or rename names in
// directory @p dir (so could swap what a name there leads to).
bool othersCanChange(const std::string &dir)
{
	struct stat st {};
	if (::stat(dir.c_str(), &st) < 0)
		return true;
	uid_t me = ::geteuid();
	bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0;
	return (st.st_uid != me && st.st_uid != 0) || writable;
}

// Not through a symbolic link, and a regular file only (O_NONBLOCK: a
// FIFO is refused, not waited on). The file is replaced by rename when
// the next cursor is stored, so a link would not last past one run; and
// followed, a link planted by a user would have root read any file, its
// first line shown back in the error about a bad cursor.
std::string readCursorFile(const std::string &path)
{
	base::UniqueFd fd(
	    ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
	if (!fd) {
		if (errno == ENOENT)
			return {}; // first run: start from the selection's beginning
		if (errno == ELOOP)
			throw std::runtime_error("refusing the cursor file " + path +
						 ": it is a symbolic link");
		base::throwErrno("reading cursor file " + path);
	}
	struct stat st {};
	if (::fstat(fd.get(), &st) < 0)
		base::throwErrno("reading cursor file " + path);
	if (!S_ISREG(st.st_mode))
		throw std::runtime_error("refusing the cursor file " + path +
					 ": it is not a regular file");
	// One line: a journal cursor is about 120 bytes.
	constexpr std::size_t kMaxCursor = 4096;
	std::string text;
	char buf[512];
	while (text.find('\n') == std::string::npos) {
		auto n = base::readSome(fd.get(), buf, sizeof buf);
		if (n <= 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
		if (text.size() > kMaxCursor && text.find('\n') > kMaxCursor)
			throw std::runtime_error("cursor file " + path +
						 ": its first line is over " +
						 std::to_string(kMaxCursor) + " bytes");
	}
	return text.substr(0, text.find('\n'));
}

// Atomically: a reader of the file never sees half a cursor. The cursor
// goes to a new file of a random name (O_EXCL, so never through a name a
// user made first) in the cursor file's directory, held open so that the
// rename lands in the directory the file was made in; the temporary is
// removed on any failure.
void writeCursorFile(const std::string &path, const std::string &cursor)
{
	auto [dir, name] = splitPath(path);
	if (name.empty() || name == "." || name == "..")
		throw std::runtime_error("cursor file " + path + ": not a file name");
	base::UniqueFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dirFd)
		base::throwErrno("writing cursor file " + path);
	static constexpr std::string_view kChars =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	std::random_device random;
	std::string tmp;
	base::UniqueFd fd;
	for (int attempt = 0; !fd; attempt++) {
		tmp = name + ".tmp-";
		for (int i = 0; i < 8; i++)
			tmp += kChars[random() % kChars.size()];
		fd.reset(::openat(dirFd.get(), tmp.c_str(),
				  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
		if (!fd && (errno != EEXIST || attempt == 100))
			base::throwErrno("writing cursor file " + dir + "/" + tmp);
	}
	std::string tmpPath = dir + "/" + tmp;
	try {
		base::writeAll(fd.get(), cursor + "\n");
		if (::fsync(fd.get()) < 0)
			base::throwErrno("writing cursor file " + tmpPath);
		fd.reset();
		if (::renameat(dirFd.get(), tmp.c_str(), dirFd.get(), name.c_str()) < 0)
			base::throwErrno("renaming " + tmpPath + " to " + path);
	} catch (...) {
		::unlinkat(dirFd.get(), tmp.c_str(), 0);
		throw;
	}
}

// A file tlog-play writes (--export -o, --input): made with mode 0666
// less the umask, or truncated. A symbolic link as its last component is
// followed only where no one but us and root can have put it: a link
// owned by us or root, in a directory no one else can change
// (othersCanChange()); a file with a second hard link is written only in
// such a directory. So /dev/stdout and links of our own work, while a
// link a user planted in /tmp or in a directory of theirs is refused
// before anything is written. FIFOs and terminals are written as they
// always were.
base::UniqueFd openOutput(const std::string &path)
{
	constexpr int kFlags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY;
	auto refuse = [&](const std::string &reason) {
		throw std::runtime_error("refusing to write " + path + ": " + reason);
	};
	base::UniqueFd fd(::open(path.c_str(), kFlags | O_NOFOLLOW, 0666));
	if (!fd && errno == ELOOP) {
		// Or too many links on the way there: then the open below says so.
		struct stat st {};
		if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
			if (st.st_uid != ::geteuid() && st.st_uid != 0)
				refuse("it is a symbolic link owned by uid " +
				       std::to_string(st.st_uid) + ", neither this user nor root");
			if (othersCanChange(splitPath(path).first))
				refuse("it is a symbolic link in a directory others can change");
		}
		fd.reset(::open(path.c_str(), kFlags, 0666));
	}
	if (!fd)
		base::throwErrno("writing " + path);
	struct stat st {};
	if (::fstat(fd.get(), &st) < 0)
		base::throwErrno("writing " + path);
	if (S_ISREG(st.st_mode)) {
		if (st.st_nlink > 1 && othersCanChange(splitPath(path).first))
			refuse("it has " + std::to_string(st.st_nlink) +
			       " hard links and is in a directory others can change");
		if (::ftruncate(fd.get(), 0) < 0)
			base::throwErrno("writing " + path);
	}
	return fd;
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
		file = openOutput(request.exportPath);
		fd = file.get();
	}
	try {
		if (request.exportFormat == "text") {
			// The screen emulated to the end, nothing shown on the way.
			PlayerOptions text = options;
			text.handleSignals = false;
			exportText(*reader, text, fd);
			return;
		}
		exportAsciicast(*reader,
				ExportOptions{options.match, options.select, options.lax,
					      options.fromMiddle, options.idleLimit,
					      options.rawOutput},
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

	// Which recordings: each reader translates it into its own query.
	auto &select = spec.select;
	select.rec = !config.rec.empty() ? config.rec : config.fileMatch;
	select.user = config.user;
	select.host = config.host;
	if (config.session >= 0)
		select.session = static_cast<std::uint32_t>(config.session);
	if (config.journalSince > 0)
		select.sinceUsec = static_cast<std::uint64_t>(config.journalSince) * 1000000;
	if (config.journalUntil > 0)
		select.untilUsec = static_cast<std::uint64_t>(config.journalUntil) * 1000000;

	auto &j = spec.journal;
	j.matches = config.journalMatch;
	j.nameSpace = config.journalNamespace;
	if (!config.journalDirectory.empty())
		j.directories.push_back(config.journalDirectory);
	j.files = config.journalFiles;
	if (!config.journalTrustedUid.empty())
		j.trustedUid = resolveUid(config.journalTrustedUid);
	int cursors = !config.journalCursor.empty() + !config.journalAfterCursor.empty() +
		      !config.journalCursorFile.empty();
	if (cursors > 1)
		throw base::UsageError(
		    "give only one of --cursor, --after-cursor and --cursor-file");
	if (!config.journalCursor.empty()) {
		j.cursor = config.journalCursor;
	} else if (!config.journalAfterCursor.empty()) {
		j.cursor = config.journalAfterCursor;
		j.afterCursor = true;
	} else if (!config.journalCursorFile.empty()) {
		j.cursor = readCursorFile(config.journalCursorFile);
		j.afterCursor = !j.cursor.empty();
	}

	auto &es = spec.es;
	es.baseUrl = config.esBaseurl;
	es.query = config.esQuery;
	es.verbose = config.esVerbose;
	es.userPassword = config.esUser;
	es.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(config.esTimeout * 1000));
	return spec;
}

std::vector<RecordingInfo> listSelected(const source::ReaderSpec &spec, const Selection &select)
{
	std::vector<RecordingInfo> list;
	auto add = [&](const std::string &rec, const auto &summary) {
		// One damaged recording must not hide the others.
		try {
			RecordingInfo info = summary();
			if (select.matches(info))
				list.push_back(std::move(info));
		} catch (const base::FormatError &e) {
			base::logLine("recording " + rec + " skipped: " + e.what());
		}
	};
	if (source::hasIndex(spec.type)) {
		for (auto &edges : source::listRecordings(spec))
			add(edges.rec, [&] {
				auto info =
				    summarize(edges.rec, edges.firstMessage, edges.lastMessage,
					      edges.firstUsec, edges.location);
				info.writer = edges.writer;
				info.foreignEntries = edges.foreignEntries;
				return info;
			});
	} else {
		// No index: read it through, once.
		source::ReaderSpec once = spec;
		once.follow = false;
		auto reader = source::makeReader(once);
		for (auto &r : readRecordings(*reader))
			add(r.rec, [&] { return summarize(r.rec, r.first, r.last, 0); });
	}
	std::stable_sort(list.begin(), list.end(),
			 [](const auto &a, const auto &b) { return a.start < b.start; });
	return list;
}

namespace {

/// Seeking is for a person at a terminal, in a recording file that has
/// ended: the index reads it ahead beside the player's reader (or comes
/// from the cache, with seek_cache). A regular file only: from a FIFO or
/// a device the index would take part of what the player has to read (or
/// wait for ever for a writer to open it). Not with --goto=end: the player
/// itself then passes everything first, taking its own snapshots, and the
/// index would only compete with it. Not the journal: its reader says on
/// stderr what it passes over (entries of other writers), which a second
/// reader would say again, into the screen.
std::unique_ptr<SnapshotIndex> makeIndex(const conf::PlayConfig &config,
					 const source::ReaderSpec &spec,
					 const PlayerOptions &options, int outFd, int keyFd)
{
	bool file = spec.type == "file" || spec.type == "asciicast";
	if (keyFd < 0 || !::isatty(outFd) || spec.follow || options.goTo.end ||
	    source::readsStandardInput(spec) || !file)
		return nullptr;
	struct stat st {};
	if (::stat(spec.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
		return nullptr;
	std::optional<SnapshotCache> cache;
	if (config.seekCache) {
		// What shapes the snapshots, besides the file's content.
		std::string shape = std::string("tlog-play ") + TLOG_VERSION + "\nreader " +
				    spec.type + "\nrec " + options.match + "\nselect " +
				    options.select.describe() + "\nlax " +
				    (options.lax ? "1" : "0") + "\nidle " +
				    std::to_string(options.idleLimit.count()) + "\nevery " +
				    std::to_string(options.snapshotEvery.count());
		cache = SnapshotCache::forFile(spec.path, shape, SnapshotCache::defaultDirectory());
	}
	return std::make_unique<SnapshotIndex>([spec] { return source::makeReader(spec); },
					       options.stream(), options.snapshotEvery,
					       std::move(cache));
}

} // namespace

int runPlayback(const conf::PlayConfig &config, const PlaybackRequest &request)
{
	source::ReaderSpec spec = readerSpec(config);
	// Asked of indexed stores through the spec; checked here too, which a
	// file, having no index, needs.
	Selection select = Selection::of(spec.select);
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
	if (source::hasIndex(spec.type) && spec.select.rec.empty()) {
		auto list = listSelected(spec, select);
		if (list.empty())
			throw std::runtime_error("no recording in " + source::sourceName(spec) +
						 " matches the selection");
		if (list.size() > 1) {
			// Anyone who can run a recorder can add a recording to a
			// selection (the set-id session recorder run by hand makes
			// one of the user's own audit session): never pick one
			// without showing all of them first.
			std::string text =
			    std::to_string(list.size()) + " recordings match" +
			    (select.any() ? " " + select.describe() : std::string()) + ":\n" +
			    formatTable(list);
			if (!config.newest)
				throw std::runtime_error(text +
							 "choose one with --rec=ID (or play the "
							 "newest with --newest)");
			base::logLine(text + "playing the newest (--newest): " + list.back().rec);
		}
		spec.select.rec = list.back().rec;
		recordedLength = std::chrono::milliseconds(list.back().durationMs);
	}

	PlayerOptions options;
	try {
		options.goTo = parsePosition(config.goTo);
	} catch (const base::UsageError &e) {
		throw base::UsageError(std::string("goto: ") + e.what());
	}
	options.match = spec.select.rec;
	options.select = select;
	options.follow = config.follow;
	options.lax = config.lax;
	options.paused = config.paused;
	options.persist = config.persist;
	options.speed = config.speed;
	// Started at a cursor or a time, the first message is not id 1.
	options.fromMiddle = !spec.journal.cursor.empty() || spec.select.sinceUsec.has_value();
	options.idleLimit = std::chrono::duration_cast<base::Timestamp>(
	    std::chrono::duration<double>(config.idleLimit));
	options.search = request.search;
	options.status = config.status;
	// Known ahead for an ended recording played at its own times.
	if (!config.follow && config.idleLimit == 0)
		options.duration = recordedLength;
	options.resize = config.resize;
	options.rawOutput = config.rawOutput;
	if (!request.exportFormat.empty()) {
		exportRecording(request, spec, options);
		return 0;
	}
	// Without --idle-limit, the source's own limit (an asciicast header's
	// idle_time_limit) applies, as asciinema plays it.
	auto takeIdleLimit = [&](source::Reader &reader) {
		if (config.idleLimit > 0)
			return;
		if (auto limit = reader.idleLimit()) {
			options.idleLimit = *limit;
			options.duration.reset(); // the recorded length, unshortened
		}
	};
	if (!request.verifyKey.empty()) {
		if (spec.follow)
			throw base::UsageError(
			    "--verify reads a whole recording: it cannot --follow");
		auto reader = source::makeReader(spec);
		VerifyOptions verify{request.verifyKey, options.match, options.select};
		if (!verifyRecording(*reader, verify, request.outFd))
			throw std::runtime_error("the recording is not intact");
		return 0;
	}
	if (request.listMatches) {
		if (spec.follow)
			throw base::UsageError(
			    "--list-matches reads a whole recording: it cannot --follow");
		auto reader = source::makeReader(spec);
		takeIdleLimit(*reader);
		auto result = listMatches(*reader, options, request.outFd);
		if (result.signal == 0 && result.matches == 0)
			throw std::runtime_error("\"" + request.search +
						 "\" never shows on the screen");
		return result.signal;
	}

	// Typed input, as a second stream (a file, another terminal, a FIFO).
	base::UniqueFd inputFile;
	if (!request.inputPath.empty()) {
		inputFile = openOutput(request.inputPath);
		options.inputFd = inputFile.get();
	}

	// Keys do not come from the recording itself.
	int keyFd = source::readsStandardInput(spec) ? -1 : request.keyFd;
	auto reader = source::makeReader(spec);
	takeIdleLimit(*reader);
	auto index = makeIndex(config, spec, options, request.outFd, keyFd);
	PlayResult result;
	std::string resume;
	{
		Player player(*reader, options, request.outFd, keyFd);
		if (index)
			player.useIndex(*index);
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

int runPlayer(const CommandLine &commandLine)
{
	try {
		if (conf::answerHelpOrVersion(commandLine, usageText()))
			return 0;
		conf::PlayConfig config;
		config.loadLayers(conf::PlayConfigSources::fromEnvironment());
		applyCommandLine(commandLine, config);
		if (commandLine.configuration) {
			base::writeAll(STDOUT_FILENO, config.toJson().toString(true) + "\n");
			return 0;
		}
		PlaybackRequest request = static_cast<const PlaybackRequest &>(commandLine);
		request.outFd = STDOUT_FILENO;
		request.keyFd = ::isatty(STDIN_FILENO) == 1 ? STDIN_FILENO : -1;
		int signal = runPlayback(config, request);
		if (signal != 0) {
			// The terminal is restored: die of the signal, as the
			// shell expects.
			term::SignalSet::reraise(signal);
			return 128 + signal;
		}
		return 0;
	} catch (const std::system_error &e) {
		if (e.code() == std::errc::broken_pipe)
			term::SignalSet::reraise(SIGPIPE);
		throw;
	}
}

} // namespace tlog::play
