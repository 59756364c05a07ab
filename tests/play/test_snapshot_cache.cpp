// SPDX-License-Identifier: GPL-2.0-or-later
// The seek cache: entries come back whole for the content they were made
// from and for nothing else (a grown or rewritten file, another shape, a
// damaged entry), stay private, and the directory keeps to its bound. Then
// SnapshotIndex over a real recording file: made, kept, found again, and
// made again once the file changed.
#define BOOST_TEST_MODULE snapshot_cache
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "play_util.hpp"
#include "support/files.hpp"
#include "tlog/play/recording_screen.hpp"
#include "tlog/play/recording_stream.hpp"
#include "tlog/play/snapshot_cache.hpp"
#include "tlog/play/snapshot_index.hpp"
#include "tlog/source/reader_factory.hpp"
#include "tlog/term/event_loop.hpp"

using namespace std::chrono_literals;
using tlog::play::IdleLimit;
using tlog::play::Snapshot;
using tlog::play::SnapshotCache;
using tlog::play::SnapshotIndex;
namespace fs = std::filesystem;

namespace {

std::vector<Snapshot> someSnapshots()
{
	std::vector<Snapshot> snapshots;
	Snapshot first;
	first.ts = 0ns;
	first.mark.reader = "0:1";
	first.cols = 80;
	first.rows = 24;
	first.paint = "\x1b[H\x1b[2J";
	snapshots.push_back(first);
	Snapshot second;
	second.ts = 5900ms;
	second.mark.reader = "1234:7";
	second.mark.lastId = 6;
	second.mark.idle = IdleLimit::resume(IdleLimit::State{2s, 5s, 1500ms, true});
	second.cols = 132;
	second.rows = 43;
	second.paint = std::string("\x1b[1;31mred\x1b[0m\0binary\xff", 22);
	snapshots.push_back(second);
	return snapshots;
}

bool sameSnapshots(const std::vector<Snapshot> &a, const std::vector<Snapshot> &b)
{
	if (a.size() != b.size())
		return false;
	for (std::size_t i = 0; i < a.size(); i++) {
		auto ia = a[i].mark.idle.state(), ib = b[i].mark.idle.state();
		if (a[i].ts != b[i].ts || a[i].mark.reader != b[i].mark.reader ||
		    a[i].mark.lastId != b[i].mark.lastId || a[i].cols != b[i].cols ||
		    a[i].rows != b[i].rows || a[i].paint != b[i].paint || ia.limit != ib.limit ||
		    ia.last != ib.last || ia.removed != ib.removed || ia.started != ib.started)
			return false;
	}
	return true;
}

unsigned modeOf(const fs::path &path)
{
	struct stat st {};
	BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
	return st.st_mode & 07777;
}

// A recording file of @p seconds one-line messages, "tag" in each line.
std::string recordingText(int seconds, const std::string &tag)
{
	std::string text;
	for (int s = 0; s < seconds; s++) {
		std::string line = tag + " second " + std::to_string(1000 + s) + "\r\n";
		text += tlog::test::message(
			    "r1", static_cast<std::uint64_t>(s + 1),
			    static_cast<std::uint64_t>(s * 1000),
			    (s == 0 ? "=80x24>" : ">") + std::to_string(line.size()), line) +
			"\n";
	}
	return text;
}

// Until @p index stopped (its wake fd said so).
void waitEnded(SnapshotIndex &index)
{
	while (index.running()) {
		pollfd p{index.wakeFd(), POLLIN, 0};
		::poll(&p, 1, 1000);
		index.drain();
	}
}

std::unique_ptr<SnapshotIndex> indexFile(const fs::path &path, const fs::path &cacheDir)
{
	tlog::source::ReaderSpec spec;
	spec.type = "file";
	spec.path = path.string();
	auto index = std::make_unique<SnapshotIndex>(
	    [spec] { return tlog::source::makeReader(spec); }, tlog::play::StreamOptions{}, 5s,
	    SnapshotCache::forFile(path.string(), "shape", cacheDir.string()));
	waitEnded(*index);
	return index;
}

// The screen @p index restores for @p target, as text.
std::string restoredText(const SnapshotIndex &index, const fs::path &path,
			 std::chrono::milliseconds target)
{
	tlog::source::ReaderSpec spec;
	spec.type = "file";
	spec.path = path.string();
	auto reader = tlog::source::makeReader(spec);
	tlog::term::EventLoop loop;
	tlog::play::RecordingStream stream(*reader, {}, loop);
	tlog::play::RecordingScreen screen;
	BOOST_TEST_REQUIRE(index.restoreAfter(-1ns, target, stream, screen).has_value());
	return screen.screen().text();
}

} // namespace

BOOST_AUTO_TEST_CASE(an_entry_comes_back_whole_and_private)
{
	tlog::test::TempDir dir;
	tlog::test::writeFile(dir / "rec.log", "content");
	auto cacheDir = dir / "cache" / "tlog" / "seek";
	auto cache = SnapshotCache::forFile((dir / "rec.log").string(), "shape", cacheDir.string());
	BOOST_TEST_REQUIRE(cache.has_value());
	auto digest = cache->digest();
	BOOST_TEST_REQUIRE(digest.has_value());
	BOOST_TEST(digest->size() == 32u); // SHA-256
	// A player that quits does not wait for the digest.
	std::stop_source quit;
	quit.request_stop();
	BOOST_TEST(!cache->digest(quit.get_token()).has_value());
	BOOST_TEST(!cache->load(*digest).has_value()); // nothing yet
	cache->save(*digest, 20s, someSnapshots());
	auto entry = cache->load(*digest);
	BOOST_TEST_REQUIRE(entry.has_value());
	BOOST_TEST(entry->every.count() == std::chrono::nanoseconds(20s).count());
	BOOST_TEST(sameSnapshots(entry->snapshots, someSnapshots()));
	BOOST_TEST(modeOf(cache->entryPath()) == 0600u);
	BOOST_TEST(modeOf(cacheDir) == 0700u);
	BOOST_TEST(modeOf(cacheDir.parent_path()) == 0700u);
	// Not for a pipe or a missing file, and not without a directory.
	BOOST_TEST(!SnapshotCache::forFile("/dev/null", "shape", cacheDir.string()).has_value());
	BOOST_TEST(!SnapshotCache::forFile((dir / "none").string(), "shape", cacheDir.string())
			.has_value());
	BOOST_TEST(!SnapshotCache::forFile((dir / "rec.log").string(), "shape", "").has_value());
}

BOOST_AUTO_TEST_CASE(a_directory_not_ours_alone_is_not_used)
{
	// Whoever could write into the cache could plant an entry the
	// auditor is shown; whoever could read it, the screens kept there.
	tlog::test::TempDir dir;
	tlog::test::writeFile(dir / "rec.log", "content");
	auto root = dir / "cache";
	auto seek = root / "tlog" / "seek";
	auto cache = SnapshotCache::forFile((dir / "rec.log").string(), "shape", seek.string());
	auto digest = *cache->digest();
	cache->save(digest, 5s, someSnapshots());
	BOOST_TEST_REQUIRE(cache->load(digest).has_value());
	// Open to others: neither read nor written.
	fs::permissions(seek, fs::perms(0755));
	BOOST_TEST(!cache->load(digest).has_value());
	fs::remove(cache->entryPath());
	cache->save(digest, 5s, someSnapshots());
	BOOST_TEST(!fs::exists(cache->entryPath()));
	fs::permissions(seek, fs::perms(0700));
	cache->save(digest, 5s, someSnapshots());
	BOOST_TEST(cache->load(digest).has_value());
	// tlog/ a link to a directory of the same content: not followed.
	fs::rename(root / "tlog", root / "elsewhere");
	fs::create_directory_symlink(root / "elsewhere", root / "tlog");
	BOOST_TEST(!cache->load(digest).has_value());
	fs::remove(root / "tlog");
	fs::rename(root / "elsewhere", root / "tlog");
	BOOST_TEST(cache->load(digest).has_value());
	// Another user's (as root, the test can give it away).
	if (::geteuid() == 0) {
		BOOST_TEST_REQUIRE(::chown(seek.c_str(), 65534, 65534) == 0);
		BOOST_TEST(!cache->load(digest).has_value());
		BOOST_TEST_REQUIRE(::chown(seek.c_str(), 0, 0) == 0);
		BOOST_TEST(cache->load(digest).has_value());
	}
}

BOOST_AUTO_TEST_CASE(a_changed_file_or_shape_gets_nothing)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, "content one");
	auto cacheDir = (dir / "cache").string();
	auto cache = SnapshotCache::forFile(path.string(), "shape", cacheDir);
	auto digest = cache->digest();
	cache->save(*digest, 5s, someSnapshots());
	BOOST_TEST(cache->load(*digest).has_value());
	// Rewritten to the same size, at once (so possibly in the same tick
	// of the file's times): the content tells.
	tlog::test::writeFile(path, "content two");
	auto now = cache->digest();
	BOOST_TEST((now.has_value() && *now != *digest));
	BOOST_TEST(!cache->load(*now).has_value());
	// Grown.
	tlog::test::writeFile(path, "content one and more");
	BOOST_TEST(!cache->load(*cache->digest()).has_value());
	// The same content again: its entry serves again.
	tlog::test::writeFile(path, "content one");
	BOOST_TEST(cache->load(*cache->digest()).has_value());
	// Another shape (options) is another entry.
	auto other = SnapshotCache::forFile(path.string(), "other shape", cacheDir);
	BOOST_TEST(other->entryPath() != cache->entryPath());
	BOOST_TEST(!other->load(*digest).has_value());
}

BOOST_AUTO_TEST_CASE(a_damaged_entry_is_a_miss)
{
	tlog::test::TempDir dir;
	tlog::test::writeFile(dir / "rec.log", "content");
	auto cache =
	    SnapshotCache::forFile((dir / "rec.log").string(), "shape", (dir / "cache").string());
	auto digest = *cache->digest();
	cache->save(digest, 5s, someSnapshots());
	auto size = fs::file_size(cache->entryPath());
	// Each byte flipped in turn, then each length cut short.
	auto whole = tlog::test::readFile(cache->entryPath());
	BOOST_TEST_REQUIRE(whole.size() == size);
	for (std::size_t i = 0; i < whole.size(); i++) {
		auto bad = whole;
		bad[i] = static_cast<char>(bad[i] ^ 0x20);
		tlog::test::writeFile(cache->entryPath(), bad);
		BOOST_TEST(!cache->load(digest).has_value(), "byte " << i << " flipped");
	}
	for (std::size_t n = 0; n < whole.size(); n++) {
		tlog::test::writeFile(cache->entryPath(), whole.substr(0, n));
		BOOST_TEST(!cache->load(digest).has_value(), "cut to " << n);
	}
	tlog::test::writeFile(cache->entryPath(), whole);
	BOOST_TEST(cache->load(digest).has_value());
}

BOOST_AUTO_TEST_CASE(the_least_recently_used_go_past_the_bound)
{
	tlog::test::TempDir dir;
	auto cacheDir = (dir / "cache").string();
	std::vector<SnapshotCache> caches;
	std::vector<std::string> digests;
	for (int i = 0; i < 3; i++) {
		auto path = dir / ("rec" + std::to_string(i) + ".log");
		tlog::test::writeFile(path, "content " + std::to_string(i));
		caches.push_back(*SnapshotCache::forFile(path.string(), "shape", cacheDir));
		digests.push_back(*caches.back().digest());
	}
	// Room for two entries: measured on one.
	caches[0].save(digests[0], 5s, someSnapshots());
	auto entryBytes = fs::file_size(caches[0].entryPath());
	std::vector<SnapshotCache> bounded;
	for (int i = 0; i < 3; i++)
		bounded.push_back(
		    *SnapshotCache::forFile((dir / ("rec" + std::to_string(i) + ".log")).string(),
					    "shape", cacheDir, entryBytes * 5 / 2));
	bounded[1].save(digests[1], 5s, someSnapshots());
	// Entry 0 is used after entry 1 was written: 1 is the least recent.
	auto old = fs::file_time_type::clock::now() - 1h;
	fs::last_write_time(bounded[0].entryPath(), old);
	fs::last_write_time(bounded[1].entryPath(), old - 1h);
	BOOST_TEST(bounded[0].load(digests[0]).has_value()); // marks it used now
	bounded[2].save(digests[2], 5s, someSnapshots());
	BOOST_TEST(fs::exists(bounded[0].entryPath()));
	BOOST_TEST(!fs::exists(bounded[1].entryPath()));
	BOOST_TEST(fs::exists(bounded[2].entryPath()));
}

BOOST_AUTO_TEST_CASE(an_index_is_kept_found_again_and_made_again_for_new_content)
{
	tlog::test::TempDir dir;
	auto path = dir / "rec.log";
	tlog::test::writeFile(path, recordingText(40, "old"));
	auto cacheDir = dir / "cache";
	auto first = indexFile(path, cacheDir);
	BOOST_TEST(first->complete());
	BOOST_TEST(!first->fromCache());
	BOOST_TEST(first->size() > 5u);
	auto oldScreen = restoredText(*first, path, 30s);
	BOOST_TEST(oldScreen.find("old second 1025") != std::string::npos, oldScreen);
	auto again = indexFile(path, cacheDir);
	BOOST_TEST(again->fromCache());
	BOOST_TEST(again->size() == first->size());
	BOOST_TEST(restoredText(*again, path, 30s) == oldScreen);
	// The same size, other text: made again, of the new text.
	tlog::test::writeFile(path, recordingText(40, "new"));
	auto changed = indexFile(path, cacheDir);
	BOOST_TEST(changed->complete());
	BOOST_TEST(!changed->fromCache());
	auto newScreen = restoredText(*changed, path, 30s);
	BOOST_TEST(newScreen.find("new second 1025") != std::string::npos, newScreen);
	BOOST_TEST(newScreen.find("old") == std::string::npos, newScreen);
	BOOST_TEST(indexFile(path, cacheDir)->fromCache());
}
