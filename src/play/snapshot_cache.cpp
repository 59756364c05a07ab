// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/snapshot_cache.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "tlog/base/c_free.hpp"
#include "tlog/base/unique_fd.hpp"

namespace tlog::play {

namespace {

constexpr std::string_view kMagic = "tlog seek index 2\n";
constexpr std::string_view kSuffix = ".idx";
// No entry is read past this (a SnapshotStore holds about 32 MiB).
constexpr std::uint64_t kMaxEntryBytes = std::uint64_t{128} << 20;

std::uint64_t fnv1a(std::string_view data) noexcept
{
	std::uint64_t hash = 0xcbf29ce484222325ull;
	for (unsigned char c : data) {
		hash ^= c;
		hash *= 0x100000001b3ull;
	}
	return hash;
}

std::string hex(std::uint64_t value)
{
	static constexpr char kHex[] = "0123456789abcdef";
	std::string text(16, '0');
	for (int i = 15; i >= 0; i--, value >>= 4)
		text[static_cast<std::size_t>(i)] = kHex[value & 15];
	return text;
}

bool isRegularFile(const std::string &path)
{
	struct stat st {};
	return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// Little-endian fields, as an entry holds them.
class Out {
public:
	void u64(std::uint64_t value)
	{
		for (int i = 0; i < 8; i++, value >>= 8)
			data_.push_back(static_cast<char>(value & 0xff));
	}
	void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
	void text(std::string_view value)
	{
		u64(value.size());
		data_ += value;
	}
	std::string &data() noexcept { return data_; }

private:
	std::string data_;
};

/// Reads what Out wrote; any field past the end fails the whole read.
class In {
public:
	explicit In(std::string_view data) noexcept : data_(data) {}
	bool u64(std::uint64_t &value) noexcept
	{
		if (data_.size() - pos_ < 8)
			return false;
		value = 0;
		for (int i = 7; i >= 0; i--)
			value = value << 8 | static_cast<unsigned char>(
						 data_[pos_ + static_cast<std::size_t>(i)]);
		pos_ += 8;
		return true;
	}
	bool i64(std::int64_t &value) noexcept
	{
		std::uint64_t raw;
		if (!u64(raw))
			return false;
		value = static_cast<std::int64_t>(raw);
		return true;
	}
	bool ts(base::Timestamp &value) noexcept
	{
		std::int64_t raw;
		if (!i64(raw))
			return false;
		value = base::Timestamp(raw);
		return true;
	}
	bool text(std::string &value)
	{
		std::uint64_t size;
		if (!u64(size) || size > data_.size() - pos_)
			return false;
		value.assign(data_.substr(pos_, size));
		pos_ += size;
		return true;
	}
	bool atEnd() const noexcept { return pos_ == data_.size(); }

private:
	std::string_view data_;
	std::size_t pos_ = 0;
};

std::string serialize(const std::string &key, const std::string &digest, base::Timestamp every,
		      const std::vector<Snapshot> &snapshots)
{
	Out out;
	out.data() += kMagic;
	out.text(key);
	out.text(digest);
	out.i64(every.count());
	out.u64(snapshots.size());
	for (const auto &snap : snapshots) {
		out.i64(snap.ts.count());
		out.text(snap.mark.reader);
		out.u64(snap.mark.lastId ? 1 : 0);
		out.u64(snap.mark.lastId.value_or(0));
		auto idle = snap.mark.idle.state();
		out.i64(idle.limit.count());
		out.i64(idle.last.count());
		out.i64(idle.removed.count());
		out.u64(idle.started ? 1 : 0);
		out.u64(snap.cols);
		out.u64(snap.rows);
		out.text(snap.paint);
	}
	out.u64(fnv1a(out.data()));
	return std::move(out.data());
}

std::optional<SnapshotCache::Entry> deserialize(std::string_view data, const std::string &key,
						const std::string &digest)
{
	if (data.size() < kMagic.size() + 8 || data.substr(0, kMagic.size()) != kMagic)
		return std::nullopt;
	std::uint64_t sum;
	In tail(data.substr(data.size() - 8));
	if (!tail.u64(sum) || sum != fnv1a(data.substr(0, data.size() - 8)))
		return std::nullopt;
	In in(data.substr(kMagic.size(), data.size() - 8 - kMagic.size()));
	std::string storedKey, storedDigest;
	std::uint64_t count;
	SnapshotCache::Entry entry;
	if (!in.text(storedKey) || storedKey != key || !in.text(storedDigest) ||
	    storedDigest != digest || !in.ts(entry.every) || !in.u64(count) || count == 0 ||
	    count > data.size())
		return std::nullopt;
	for (std::uint64_t i = 0; i < count; i++) {
		Snapshot snap;
		std::uint64_t hasId, id, started, cols, rows;
		IdleLimit::State idle{};
		if (!in.ts(snap.ts) || !in.text(snap.mark.reader) || !in.u64(hasId) ||
		    !in.u64(id) || !in.ts(idle.limit) || !in.ts(idle.last) ||
		    !in.ts(idle.removed) || !in.u64(started) || !in.u64(cols) || !in.u64(rows) ||
		    !in.text(snap.paint) || cols == 0 || rows == 0 || cols > 0xffff ||
		    rows > 0xffff)
			return std::nullopt;
		if (hasId != 0)
			snap.mark.lastId = id;
		idle.started = started != 0;
		snap.mark.idle = IdleLimit::resume(idle);
		snap.cols = static_cast<unsigned>(cols);
		snap.rows = static_cast<unsigned>(rows);
		if (!entry.snapshots.empty() && snap.ts < entry.snapshots.back().ts)
			return std::nullopt;
		entry.snapshots.push_back(std::move(snap));
	}
	if (!in.atEnd())
		return std::nullopt;
	return entry;
}

/// The directory @p name in the one @p at is open on, as a file
/// descriptor: made with mode 0700 when it is missing and @p create;
/// none when it is missing (not @p create), or is not a directory of this
/// user's that only this user can enter: a symbolic link, another user's,
/// or open to others (whoever could write there could plant an entry, or
/// read the screens of the recordings kept).
base::UniqueFd openPrivateDirectory(int at, const char *name, bool create)
{
	if (create && ::mkdirat(at, name, 0700) != 0 && errno != EEXIST)
		return {};
	base::UniqueFd fd(::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	struct stat st {};
	if (!fd || ::fstat(fd.get(), &st) != 0 || st.st_uid != ::geteuid() ||
	    (st.st_mode & 077) != 0)
		return {};
	return fd;
}

} // namespace

std::string SnapshotCache::defaultDirectory()
{
	const char *xdg = std::getenv("XDG_CACHE_HOME");
	// As the XDG base directory specification says: a relative path is
	// ignored.
	if (xdg != nullptr && xdg[0] == '/')
		return std::string(xdg) + "/tlog/seek";
	const char *home = std::getenv("HOME");
	if (home != nullptr && home[0] == '/')
		return std::string(home) + "/.cache/tlog/seek";
	return {};
}

std::optional<SnapshotCache> SnapshotCache::forFile(const std::string &path,
						    const std::string &shape,
						    const std::string &directory,
						    std::uint64_t maxBytes)
{
	if (directory.empty())
		return std::nullopt;
	std::error_code ec;
	auto absolute = std::filesystem::absolute(path, ec);
	if (ec || !isRegularFile(absolute))
		return std::nullopt;
	std::string key = "file " + absolute.string() + "\n" + shape + "\n";
	return SnapshotCache(absolute.string(), directory, std::move(key), maxBytes);
}

SnapshotCache::SnapshotCache(std::string recording, std::string directory, std::string key,
			     std::uint64_t maxBytes)
    : recording_(std::move(recording)), directory_(std::move(directory)), key_(std::move(key)),
      entryName_(hex(fnv1a(key_)) + std::string(kSuffix)),
      entryPath_(directory_ + "/" + entryName_), maxBytes_(maxBytes)
{
}

std::optional<std::string> SnapshotCache::digest(std::stop_token stop) const
{
	base::UniqueFd fd(::open(recording_.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return std::nullopt;
	std::unique_ptr<EVP_MD_CTX, base::CFree<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
	if (!ctx || EVP_DigestInit_ex2(ctx.get(), EVP_sha256(), nullptr) != 1)
		return std::nullopt;
	std::vector<char> buffer(1 << 20);
	for (;;) {
		if (stop.stop_requested())
			return std::nullopt;
		auto n = ::read(fd.get(), buffer.data(), buffer.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return std::nullopt;
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n)) != 1)
			return std::nullopt;
	}
	std::string value(EVP_MAX_MD_SIZE, '\0');
	unsigned int size = 0;
	if (EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(value.data()), &size) !=
	    1)
		return std::nullopt;
	value.resize(size);
	return value;
}

base::UniqueFd SnapshotCache::openDirectory(bool create) const
{
	// The cache's root ($XDG_CACHE_HOME, ~/.cache) may be a link, as home
	// directories' often are; it is made 0700 when it is missing, as the
	// XDG base directory specification says. tlog/seek under it must be
	// this user's alone.
	std::filesystem::path seek(directory_);
	auto tlog = seek.parent_path();
	auto root = tlog.parent_path();
	std::error_code ec;
	if (create && !std::filesystem::exists(root, ec)) {
		std::filesystem::create_directories(root, ec);
		if (!ec)
			::chmod(root.c_str(), 0700);
	}
	base::UniqueFd rootFd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!rootFd)
		return {};
	auto tlogFd = openPrivateDirectory(rootFd.get(), tlog.filename().c_str(), create);
	if (!tlogFd)
		return {};
	return openPrivateDirectory(tlogFd.get(), seek.filename().c_str(), create);
}

std::optional<SnapshotCache::Entry> SnapshotCache::load(const std::string &digest) const
{
	auto dir = openDirectory(false);
	if (!dir)
		return std::nullopt;
	base::UniqueFd fd(
	    ::openat(dir.get(), entryName_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
	if (!fd)
		return std::nullopt;
	struct stat st {};
	if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
	    static_cast<std::uint64_t>(st.st_size) > kMaxEntryBytes)
		return std::nullopt;
	std::string data(static_cast<std::size_t>(st.st_size), '\0');
	std::size_t got = 0;
	while (got < data.size()) {
		auto n = ::read(fd.get(), data.data() + got, data.size() - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return std::nullopt;
		got += static_cast<std::size_t>(n);
	}
	auto entry = deserialize(data, key_, digest);
	if (entry)
		::futimens(fd.get(), nullptr); // used now: the last to go
	return entry;
}

void SnapshotCache::save(const std::string &digest, base::Timestamp every,
			 const std::vector<Snapshot> &snapshots) const
{
	std::string data = serialize(key_, digest, every, snapshots);
	if (data.size() > kMaxEntryBytes || data.size() > maxBytes_)
		return;
	auto dir = openDirectory(true);
	if (!dir)
		return; // not ours alone: no cache (tlog-play(8))
	std::string temporary = entryName_ + ".tmp" + std::to_string(::getpid());
	::unlinkat(dir.get(), temporary.c_str(), 0); // left by a run that died
	{
		base::UniqueFd fd(::openat(dir.get(), temporary.c_str(),
					   O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
					   0600));
		if (!fd)
			throw std::system_error(errno, std::system_category(),
						"cannot create " + directory_ + "/" + temporary);
		try {
			base::writeAll(fd.get(), data);
		} catch (...) {
			::unlinkat(dir.get(), temporary.c_str(), 0);
			throw;
		}
	}
	if (::renameat(dir.get(), temporary.c_str(), dir.get(), entryName_.c_str()) != 0) {
		int err = errno;
		::unlinkat(dir.get(), temporary.c_str(), 0);
		throw std::system_error(err, std::system_category(), "cannot create " + entryPath_);
	}
	trim(dir.get());
}

void SnapshotCache::trim(int dir) const noexcept
{
	// Through the directory checked above, never its path again.
	base::UniqueFd listed(::dup(dir));
	if (!listed)
		return;
	std::unique_ptr<DIR, base::CFree<::closedir>> stream(::fdopendir(listed.get()));
	if (!stream)
		return;
	listed.release(); // the DIR owns it now
	struct Kept {
		std::string name;
		std::uint64_t bytes;
		timespec used;
	};
	std::vector<Kept> kept;
	std::uint64_t total = 0;
	try {
		while (const dirent *entry = ::readdir(stream.get())) {
			std::string_view name = entry->d_name;
			struct stat st {};
			if (name.size() <= kSuffix.size() ||
			    name.substr(name.size() - kSuffix.size()) != kSuffix ||
			    ::fstatat(dir, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISREG(st.st_mode))
				continue;
			kept.push_back(Kept{std::string(name),
					    static_cast<std::uint64_t>(st.st_size), st.st_mtim});
			total += kept.back().bytes;
		}
	} catch (...) {
		return; // trimmed by the next save
	}
	std::sort(kept.begin(), kept.end(), [](const Kept &a, const Kept &b) {
		return a.used.tv_sec != b.used.tv_sec ? a.used.tv_sec < b.used.tv_sec
						      : a.used.tv_nsec < b.used.tv_nsec;
	});
	for (const auto &file : kept) {
		if (total <= maxBytes_)
			break;
		if (::unlinkat(dir, file.name.c_str(), 0) == 0)
			total -= file.bytes;
	}
}

} // namespace tlog::play
