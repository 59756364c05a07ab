// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/fd_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
#include "tlog/source/reader_factory.hpp"

namespace tlog::source {

namespace {

constexpr std::size_t kReadSize = 64 * 1024;

bool isBlank(std::string_view line) noexcept
{
	return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

} // namespace

FdReader::FdReader(std::string path, bool follow, std::size_t maxLine)
    : path_(std::move(path)), follow_(follow), maxLine_(maxLine)
{
	std::string watchPath = path_;
	if (path_ == "-") {
		displayName_ = "<stdin>";
		readFd_ = STDIN_FILENO;
		watchPath = "/proc/self/fd/0";
	} else {
		displayName_ = path_;
		fd_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
		if (!fd_)
			base::throwErrno(path_);
		readFd_ = fd_.get();
	}
	struct stat st {};
	if (::fstat(readFd_, &st) < 0)
		base::throwErrno(displayName_);
	if (S_ISDIR(st.st_mode))
		base::throwSystem(EISDIR, displayName_);
	regular_ = S_ISREG(st.st_mode);

	if (!regular_) {
		// A pipe or terminal is read as it comes, without blocking the
		// player's loop; standard input gets its flags back at the end.
		int flags = ::fcntl(readFd_, F_GETFL);
		if (flags >= 0 && (flags & O_NONBLOCK) == 0) {
			base::setNonBlocking(readFd_, true);
			restoreBlocking_ = true;
		}
	} else if (follow_) {
		inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
		if (!inotify_)
			base::throwErrno("inotify_init1");
		if (::inotify_add_watch(inotify_.get(), watchPath.c_str(), IN_MODIFY) < 0)
			base::throwErrno("watching " + displayName_);
	}
}

FdReader::~FdReader()
{
	if (restoreBlocking_) {
		try {
			base::setNonBlocking(readFd_, false);
		} catch (...) {
			// Nothing to do: the fd is going away or shared and broken.
		}
	}
}

int FdReader::waitFd() const noexcept
{
	if (eof_)
		return -1;
	if (inotify_)
		return inotify_.get();
	return regular_ ? -1 : readFd_;
}

void FdReader::onWaitFdReady()
{
	if (!inotify_)
		return;
	alignas(inotify_event) char events[4096];
	while (base::readSome(inotify_.get(), events, sizeof(events)) > 0) {
	}
}

bool FdReader::fill()
{
	if (start_ > 0 && start_ >= buffer_.size() / 2) {
		buffer_.erase(0, start_);
		scan_ -= start_;
		start_ = 0;
	}
	std::size_t old = buffer_.size();
	buffer_.resize(old + kReadSize);
	std::ptrdiff_t n;
	try {
		// EIO is EOF only for a terminal (a pty whose writer is gone).
		n = base::readSome(readFd_, buffer_.data() + old, kReadSize,
				   regular_ ? base::Eio::IsError : base::Eio::IsEof);
	} catch (const std::system_error &e) {
		buffer_.resize(old);
		base::throwSystem(e.code().value(), "reading " + displayName_);
	}
	buffer_.resize(old + static_cast<std::size_t>(std::max<std::ptrdiff_t>(n, 0)));
	if (n > 0) {
		offset_ += static_cast<std::uint64_t>(n);
		return true;
	}
	if (n == 0) {
		if (regular_ && follow_) {
			// Growing files only: one that shrank was rotated or
			// rewritten, and what we played no longer matches it.
			struct stat st {};
			if (::fstat(readFd_, &st) < 0)
				base::throwErrno(displayName_);
			if (static_cast<std::uint64_t>(st.st_size) < offset_)
				throw std::runtime_error(
				    displayName_ + ": the file was truncated while following it; "
						   "stopping");
		} else {
			eof_ = true;
		}
	}
	return false;
}

std::optional<RawMessage> FdReader::takeLine(std::size_t end, std::size_t next)
{
	line_++;
	std::string_view line(buffer_.data() + start_, end - start_);
	if (line.size() > maxLine_)
		throw base::FormatError(displayName_ + ":" + std::to_string(line_) +
					": line longer than " + std::to_string(maxLine_) +
					" bytes");
	std::optional<RawMessage> message;
	if (!isBlank(line))
		message = RawMessage{
		    std::string(line), displayName_ + ":" + std::to_string(line_), {}, false};
	start_ = next;
	scan_ = next;
	return message;
}

std::optional<std::string> FdReader::mark() const
{
	if (!regular_)
		return std::nullopt;
	std::uint64_t next = offset_ - (buffer_.size() - start_);
	return std::to_string(next) + ":" + std::to_string(line_);
}

void FdReader::rewind(const std::string &mark)
{
	auto colon = mark.find(':');
	if (!regular_ || colon == std::string::npos)
		Reader::rewind(mark);
	std::uint64_t offset = std::stoull(mark.substr(0, colon));
	std::uint64_t line = std::stoull(mark.substr(colon + 1));
	if (::lseek(readFd_, static_cast<off_t>(offset), SEEK_SET) < 0)
		throw std::system_error(errno, std::generic_category(), displayName_ + ": seeking");
	buffer_.clear();
	start_ = scan_ = 0;
	offset_ = offset;
	line_ = line;
	eof_ = false;
}

std::optional<RawMessage> FdReader::read()
{
	for (;;) {
		auto nl = buffer_.find('\n', std::max(scan_, start_));
		if (nl != std::string::npos) {
			if (auto message = takeLine(nl, nl + 1))
				return message;
			continue;
		}
		scan_ = buffer_.size();
		if (buffer_.size() - start_ > maxLine_)
			throw base::FormatError(displayName_ + ":" + std::to_string(line_ + 1) +
						": line longer than " + std::to_string(maxLine_) +
						" bytes");
		if (eof_) {
			// The last line lacks its newline: offer it anyway.
			if (start_ < buffer_.size())
				if (auto message = takeLine(buffer_.size(), buffer_.size()))
					return message;
			return std::nullopt;
		}
		if (!fill() && !eof_)
			return std::nullopt;
	}
}

std::unique_ptr<Reader> makeFdReader(const ReaderSpec &spec)
{
	if (spec.path.empty())
		throw base::ConfigError("the file reader needs a file: give -i/--file-path "
					"(or file.path), \"-\" for standard input");
	return std::make_unique<FdReader>(spec.path, spec.follow);
}

} // namespace tlog::source
