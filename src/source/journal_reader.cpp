// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/journal_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <set>
#include <string_view>

#include <pwd.h>

#include <systemd/sd-journal.h>

#include "tlog/base/clock.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/log.hpp"
#include "tlog/base/process.hpp"
#include "tlog/json/json_ref.hpp"

namespace tlog::source {

namespace {

void check(int r, std::string_view what)
{
	if (r < 0)
		base::throwSystem(-r, what);
}

std::optional<std::string> getField(sd_journal *j, const std::string &name)
{
	const void *data = nullptr;
	std::size_t length = 0;
	int r = sd_journal_get_data(j, name.c_str(), &data, &length);
	if (r == -ENOENT || r == -EBADMSG)
		return std::nullopt;
	check(r, "reading journal field " + name);
	std::string_view entry(static_cast<const char *>(data), length);
	// The data is "NAME=VALUE".
	return std::string(entry.substr(std::min(entry.size(), name.size() + 1)));
}

sd_journal *openJournal(const JournalSpec &spec)
{
	sd_journal *j = nullptr;
	int r;
	if (!spec.directories.empty()) {
		if (spec.directories.size() > 1)
			throw base::ConfigError(
			    "only one journal directory (-D) can be read at a time");
		r = sd_journal_open_directory(&j, spec.directories[0].c_str(), 0);
		check(r, "opening journal directory " + spec.directories[0]);
	} else if (!spec.files.empty()) {
		std::vector<const char *> paths;
		for (auto &f : spec.files)
			paths.push_back(f.c_str());
		paths.push_back(nullptr);
		r = sd_journal_open_files(&j, paths.data(), 0);
		check(r, "opening journal file " + spec.files[0]);
	} else if (!spec.nameSpace.empty()) {
		r = sd_journal_open_namespace(&j, spec.nameSpace.c_str(), SD_JOURNAL_LOCAL_ONLY);
		check(r, "opening journal namespace " + spec.nameSpace);
	} else {
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
		check(r, "opening the journal");
	}
	// MESSAGE fields can be large: never truncate them.
	sd_journal_set_data_threshold(j, 0);
	return j;
}

void addMatches(sd_journal *j, const std::vector<std::string> &matches)
{
	for (auto &m : matches) {
		int r;
		// "OR" and "AND" as the reference's -M takes them, "+" as journalctl.
		if (m == "+" || m == "OR")
			r = sd_journal_add_disjunction(j);
		else if (m == "AND")
			r = sd_journal_add_conjunction(j);
		else
			r = sd_journal_add_match(j, m.data(), m.size());
		if (r < 0)
			base::throwSystem(-r, "journal match '" + m +
						  "' (expected FIELD=VALUE, OR, AND or +)");
	}
}

// The user's matches, then the selection's ANDed with all of them.
void addSelection(sd_journal *j, const JournalSpec &spec, const Selection &select)
{
	addMatches(j, spec.matches);
	std::vector<std::string> all = selectionMatches(select);
	if (all.empty())
		return;
	if (!spec.matches.empty())
		check(sd_journal_add_conjunction(j), "combining journal matches");
	addMatches(j, all);
}

// The fields read() takes from an entry, found in one pass over it. Each
// sd_journal_get_data() walks the entry's fields from the first, unpacking
// every compressed one it passes (MESSAGE, with a new zstd context each
// time): seven lookups an entry cost a quarter of playback.
struct EntryFields {
	std::optional<std::string> message, rec, uid, pid, bootId, sig, end;

	static EntryFields read(sd_journal *j)
	{
		EntryFields f;
		const void *data = nullptr;
		std::size_t length = 0;
		sd_journal_restart_data(j);
		int r;
		while ((r = sd_journal_enumerate_data(j, &data, &length)) > 0) {
			std::string_view item(static_cast<const char *>(data), length);
			auto eq = item.find('=');
			if (eq == std::string_view::npos)
				continue;
			// The first of a repeated field, as sd_journal_get_data() gives.
			if (auto *slot = f.slot(item.substr(0, eq)); slot && !*slot)
				*slot = std::string(item.substr(eq + 1));
		}
		if (r < 0) {
			// A damaged field: as the lookups one by one, which pass
			// over what they cannot read.
			f = EntryFields{getField(j, "MESSAGE"),	 getField(j, "TLOG_REC"),
					getField(j, "_UID"),	 getField(j, "_PID"),
					getField(j, "_BOOT_ID"), getField(j, "TLOG_SIG"),
					getField(j, "TLOG_END")};
		}
		return f;
	}

	EntryWriter writer() const
	{
		return EntryWriter{uid.value_or(""), pid.value_or(""), bootId.value_or("")};
	}

private:
	std::optional<std::string> *slot(std::string_view name)
	{
		if (name == "MESSAGE")
			return &message;
		if (name == "TLOG_REC")
			return &rec;
		if (name == "_UID")
			return &uid;
		if (name == "_PID")
			return &pid;
		if (name == "_BOOT_ID")
			return &bootId;
		if (name == "TLOG_SIG")
			return &sig;
		if (name == "TLOG_END")
			return &end;
		return nullptr;
	}
};

std::optional<uid_t> parseUid(const std::optional<std::string> &uid)
{
	if (!uid)
		return std::nullopt;
	try {
		return static_cast<uid_t>(std::stoul(*uid));
	} catch (...) {
		return std::nullopt;
	}
}

// The recording an entry belongs to: its TLOG_REC, or (an entry sent
// without the indexed fields, journal.augment=false) its message's "rec".
std::optional<std::string> entryRecording(const EntryFields &f)
{
	if (f.rec)
		return f.rec;
	if (!f.message)
		return std::nullopt;
	try {
		auto parsed = json::JsonRef::parse(*f.message);
		if (auto rec = parsed.member("rec"); rec && rec->type() == json::JsonType::String)
			return std::string(rec->asString());
	} catch (const std::exception &) {
		// Not JSON: the player says so, naming the entry.
	}
	return std::nullopt;
}

} // namespace

std::vector<std::string> selectionMatches(const Selection &select)
{
	std::vector<std::string> matches;
	if (!select.user.empty())
		matches.push_back("TLOG_USER=" + select.user);
	if (!select.host.empty())
		matches.push_back("TLOG_HOST=" + select.host);
	if (select.session)
		matches.push_back("TLOG_SESSION=" + std::to_string(*select.session));
	if (!select.rec.empty())
		matches.push_back("TLOG_REC=" + select.rec);
	return matches;
}

EntryWriter entryWriter(sd_journal *j)
{
	return EntryWriter{getField(j, "_UID").value_or(""), getField(j, "_PID").value_or(""),
			   getField(j, "_BOOT_ID").value_or("")};
}

std::string EntryWriter::describe() const
{
	std::string text = "uid " + (uid.empty() ? std::string("?") : uid);
	unsigned long value = 0;
	auto [end, ec] = std::from_chars(uid.data(), uid.data() + uid.size(), value);
	if (ec == std::errc() && end == uid.data() + uid.size() && !uid.empty())
		if (passwd *pw = ::getpwuid(static_cast<uid_t>(value)))
			text += " (" + std::string(pw->pw_name) + ")";
	return text + ", pid " + (pid.empty() ? std::string("?") : pid);
}

bool WriterCheck::accept(const std::string &rec, const EntryWriter &writer)
{
	auto known = writers_.find(rec);
	if (known != writers_.end())
		return known->second == writer;
	// The first entry that fits the recording id (boot id and pid of the
	// recorder that made it) names the writer of them all.
	if (auto parts = base::parseRecordingId(rec))
		if (writer.boot != parts->boot || writer.pid != std::to_string(parts->pid))
			return false;
	writers_.emplace(rec, writer);
	return true;
}

const EntryWriter *WriterCheck::writerOf(const std::string &rec) const
{
	auto known = writers_.find(rec);
	return known == writers_.end() ? nullptr : &known->second;
}

JournalReader::JournalReader(const JournalSpec &spec, const Selection &select, bool follow)
    : journal_(openJournal(spec)), spec_(spec), select_(select), follow_(follow)
{
	addSelection(journal_.get(), spec, select);
	seekStart();
	if (follow_) {
		// Before the first read, so that nothing logged after it goes
		// unnoticed; and a journal that cannot be watched (no inotify
		// watches left) is an error, not the end of the recording.
		int fd = sd_journal_get_fd(journal_.get());
		check(fd, "watching the journal for new entries");
		fd_ = fd;
	}
}

void JournalReader::seekStart()
{
	sd_journal *j = journal_.get();
	const JournalSpec &spec = spec_;
	if (!spec.cursor.empty()) {
		check(sd_journal_seek_cursor(j, spec.cursor.c_str()),
		      "seeking to cursor " + spec.cursor);
		if (spec.afterCursor) {
			// Step onto the cursor's entry; the next read() moves past it.
			int r = sd_journal_next(j);
			check(r, "seeking to cursor " + spec.cursor);
			if (r > 0 && sd_journal_test_cursor(j, spec.cursor.c_str()) <= 0)
				sd_journal_previous(j); // the entry is gone: start at the next one
		}
	} else if (select_.sinceUsec) {
		check(sd_journal_seek_realtime_usec(j, *select_.sinceUsec), "seeking the journal");
	} else {
		check(sd_journal_seek_head(j), "seeking the journal");
	}
}

void JournalReader::rewind(const std::string &mark)
{
	atEnd_ = false;
	cursor_ = mark;
	if (mark.empty()) {
		seekStart();
		return;
	}
	sd_journal *j = journal_.get();
	check(sd_journal_seek_cursor(j, mark.c_str()), "seeking to cursor " + mark);
	// Onto the marked entry itself; the next read() moves past it.
	int r = sd_journal_next(j);
	check(r, "seeking to cursor " + mark);
	if (r > 0 && sd_journal_test_cursor(j, mark.c_str()) <= 0)
		sd_journal_previous(j); // the entry is gone: go on from the next one
}

std::optional<RawMessage> JournalReader::read()
{
	sd_journal *j = journal_.get();
	while (!atEnd_) {
		int r = sd_journal_next(j);
		check(r, "reading the journal");
		if (r == 0) {
			// Entries are stamped when journald takes them: once the
			// clock is past the bound (and a second for one taken but
			// not yet written), none to come can be within it.
			if (select_.untilUsec &&
			    static_cast<std::uint64_t>(base::realtimeNow().count() / 1000) >
				*select_.untilUsec + 1000000)
				atEnd_ = true;
			return std::nullopt;
		}
		std::uint64_t usec = 0;
		check(sd_journal_get_realtime_usec(j, &usec), "reading an entry's time");
		if (select_.untilUsec && usec > *select_.untilUsec) {
			atEnd_ = true;
			return std::nullopt;
		}
		char *cursor = nullptr;
		check(sd_journal_get_cursor(j, &cursor), "reading an entry's cursor");
		cursor_ = cursor;
		std::free(cursor);
		realtimeUsec_ = usec;
		auto fields = EntryFields::read(j);
		if (spec_.trustedUid && parseUid(fields.uid) != spec_.trustedUid) {
			// Anyone can log TLOG_* fields; only the trusted _UID,
			// which journald sets itself, tells a genuine entry.
			if (skippedUntrusted_++ == 0)
				base::logLine("journal entry " + cursor_ + ": not written by uid " +
					      std::to_string(*spec_.trustedUid) +
					      ": skipping it and any others like it");
			continue;
		}
		if (!fields.message)
			continue; // not a tlog entry at all
		if (auto rec = entryRecording(fields)) {
			// Anyone can log an entry with a recording's fields; journald
			// says who did. One process writes a recording.
			auto writer = fields.writer();
			if (!writers_.accept(*rec, writer)) {
				noteForeign(*rec, writer);
				continue;
			}
		}
		RawMessage raw{std::move(*fields.message), "journal entry " + cursor_, {}, false};
		if (fields.sig)
			raw.signature = std::move(*fields.sig);
		raw.end = fields.end == "1";
		return raw;
	}
	return std::nullopt;
}

void JournalReader::noteForeign(const std::string &rec, const EntryWriter &writer)
{
	if (foreign_[rec]++ > 0)
		return;
	const EntryWriter *genuine = writers_.writerOf(rec);
	std::string expected;
	if (genuine != nullptr)
		expected = genuine->describe();
	else if (auto parts = base::parseRecordingId(rec))
		expected = "pid " + std::to_string(parts->pid) + " of boot " + parts->boot;
	base::logLine("journal entry " + cursor_ + ": recording " + rec + " is written by " +
		      expected + ", this entry by " + writer.describe() +
		      (writer.boot.empty() || (genuine && genuine->boot == writer.boot)
			   ? ""
			   : " of boot " + writer.boot) +
		      ": skipping it and any others like it");
}

JournalReader::~JournalReader()
{
	for (const auto &[rec, count] : foreign_)
		if (count > 1)
			base::logLine("skipped " + std::to_string(count) +
				      " journal entries of recording " + rec +
				      " written by another process than the recorder");
}

int JournalReader::waitFd() const noexcept
{
	return fd_; // -1 unless following: nothing to wait for
}

std::optional<std::chrono::milliseconds> JournalReader::retryDelay() const noexcept
{
	if (!follow_ || !select_.untilUsec || atEnd_)
		return std::nullopt;
	// read() ends the recording a second past the bound (see there).
	auto now = static_cast<std::int64_t>(base::realtimeNow().count() / 1000);
	auto end = static_cast<std::int64_t>(*select_.untilUsec) + 1000000;
	return std::chrono::milliseconds(std::max<std::int64_t>(end - now, 0) / 1000 + 1);
}

void JournalReader::onWaitFdReady()
{
	check(sd_journal_process(journal_.get()), "processing journal changes");
}

std::optional<std::string> JournalReader::field(const std::string &name) const
{
	return getField(journal_.get(), name);
}

namespace {

// Positions @p j on the first (or last) entry of the current matches that
// lies within the selection's time bounds. Returns false when there is none.
bool seekEdge(sd_journal *j, const Selection &select, bool last)
{
	int r;
	if (last) {
		if (select.untilUsec)
			check(sd_journal_seek_realtime_usec(j, *select.untilUsec + 1),
			      "seeking the journal");
		else
			check(sd_journal_seek_tail(j), "seeking the journal");
		r = sd_journal_previous(j);
	} else {
		if (select.sinceUsec)
			check(sd_journal_seek_realtime_usec(j, *select.sinceUsec),
			      "seeking the journal");
		else
			check(sd_journal_seek_head(j), "seeking the journal");
		r = sd_journal_next(j);
	}
	check(r, "reading the journal");
	if (r == 0)
		return false;
	std::uint64_t usec = 0;
	check(sd_journal_get_realtime_usec(j, &usec), "reading an entry's time");
	if (select.sinceUsec && usec < *select.sinceUsec)
		return false;
	if (select.untilUsec && usec > *select.untilUsec)
		return false;
	return true;
}

// Entries walked past at a recording's edge looking for its own.
constexpr std::size_t kEdgeWalkLimit = 100000;

// From the current entry of @p rec (at its first or @p last edge), steps
// inwards to the nearest one @p writers accepts, counting the others in
// @p foreign. False when there is none within the selection's time bounds.
bool walkToWriter(sd_journal *j, const Selection &select, const std::string &rec,
		  WriterCheck &writers, bool last, std::uint64_t &foreign)
{
	for (std::size_t walked = 0; walked < kEdgeWalkLimit; walked++) {
		if (writers.accept(rec, entryWriter(j)))
			return true;
		foreign++;
		int r = last ? sd_journal_previous(j) : sd_journal_next(j);
		check(r, "reading the journal");
		if (r == 0)
			return false;
		std::uint64_t usec = 0;
		check(sd_journal_get_realtime_usec(j, &usec), "reading an entry's time");
		if ((select.sinceUsec && usec < *select.sinceUsec) ||
		    (select.untilUsec && usec > *select.untilUsec))
			return false;
	}
	return false;
}

// The recordings with an entry from select.sinceUsec on (to untilUsec),
// walking those entries; nullopt (ask the index instead) when there are
// more than kListWalkLimit to walk.
constexpr std::size_t kListWalkLimit = 200000;

std::optional<std::vector<std::string>> recordingsSince(sd_journal *j, const JournalSpec &spec,
							const Selection &select)
{
	sd_journal_flush_matches(j);
	addSelection(j, spec, select);
	check(sd_journal_seek_realtime_usec(j, *select.sinceUsec), "seeking the journal");
	std::vector<std::string> recs;
	std::set<std::string, std::less<>> seen;
	for (std::size_t walked = 0;; walked++) {
		if (walked == kListWalkLimit)
			return std::nullopt;
		int r = sd_journal_next(j);
		check(r, "reading the journal");
		if (r == 0)
			break;
		std::uint64_t usec = 0;
		check(sd_journal_get_realtime_usec(j, &usec), "reading an entry's time");
		if (select.untilUsec && usec > *select.untilUsec)
			break;
		if (auto rec = getField(j, "TLOG_REC"); rec && seen.insert(*rec).second)
			recs.push_back(std::move(*rec));
	}
	return recs;
}

} // namespace

std::unique_ptr<Reader> makeJournalReader(const ReaderSpec &spec)
{
	return std::make_unique<JournalReader>(spec.journal, spec.select, spec.follow);
}

std::vector<RecordingEdges> listJournalRecordings(const ReaderSpec &readerSpec)
{
	const JournalSpec &spec = readerSpec.journal;
	const Selection &select = readerSpec.select;
	JournalPtr journal(openJournal(spec));
	sd_journal *j = journal.get();

	// From --since on, the entries themselves name the recordings: fewer
	// than the whole journal's (months of them on a central host), as
	// long as there are not too many entries to walk.
	std::vector<std::string> recs;
	std::optional<std::vector<std::string>> walked;
	if (select.sinceUsec)
		walked = recordingsSince(j, spec, select);
	if (walked) {
		recs = std::move(*walked);
	} else {
		// The TLOG_REC index lists every recording without reading
		// entries.
		check(sd_journal_query_unique(j, "TLOG_REC"), "listing TLOG_REC values");
		const void *data = nullptr;
		std::size_t length = 0;
		SD_JOURNAL_FOREACH_UNIQUE(j, data, length)
		{
			std::string_view v(static_cast<const char *>(data), length);
			recs.emplace_back(v.substr(std::min(v.size(), sizeof("TLOG_REC"))));
		}
	}

	std::vector<RecordingEdges> list;
	// Two seeks a recording: thousands take a while on a big journal.
	base::ProgressLine progress;
	for (std::size_t i = 0; i < recs.size(); i++) {
		const auto &rec = recs[i];
		if (progress.due(base::monotonicNow()))
			progress.show("listing recordings: " + std::to_string(i) + " of " +
				      std::to_string(recs.size()) + " looked at");
		if (!select.rec.empty() && rec != select.rec)
			continue;
		sd_journal_flush_matches(j);
		Selection one = select;
		one.rec = rec;
		addSelection(j, spec, one);
		if (spec.trustedUid) {
			std::string uid = "_UID=" + std::to_string(*spec.trustedUid);
			check(sd_journal_add_match(j, uid.data(), uid.size()),
			      "journal match " + uid);
		}
		if (!seekEdge(j, select, false))
			continue;
		// The recording's own first and last entries: entries others
		// logged with its fields are passed over, and counted.
		WriterCheck writers;
		std::uint64_t foreign = 0;
		if (!walkToWriter(j, select, rec, writers, false, foreign))
			continue;
		RecordingEdges r;
		r.rec = rec;
		check(sd_journal_get_realtime_usec(j, &r.firstUsec), "reading an entry's time");
		r.firstMessage = getField(j, "MESSAGE").value_or("");
		char *cursor = nullptr;
		check(sd_journal_get_cursor(j, &cursor), "reading an entry's cursor");
		r.location = std::string("journal entry ") + cursor;
		std::free(cursor);
		if (const EntryWriter *writer = writers.writerOf(rec))
			r.writer = writer->describe();
		if (!seekEdge(j, select, true) ||
		    !walkToWriter(j, select, rec, writers, true, foreign))
			continue;
		r.lastMessage = getField(j, "MESSAGE").value_or("");
		r.foreignEntries = foreign;
		if (foreign > 0)
			base::logLine(
			    "recording " + rec + ": passed over " + std::to_string(foreign) +
			    " journal entries written by another process than the recorder");
		list.push_back(std::move(r));
	}
	progress.clear();
	std::sort(list.begin(), list.end(),
		  [](const auto &a, const auto &b) { return a.firstUsec < b.firstUsec; });
	return list;
}

} // namespace tlog::source
