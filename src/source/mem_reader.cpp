// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/mem_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

namespace tlog::source {

MemReader::MemReader(std::vector<std::string> messages, std::string name, bool live)
    : messages_(std::move(messages)), name_(std::move(name)), live_(live)
{
	if (!live_)
		return;
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		base::throwErrno("pipe2");
	wakeRead_.reset(fds[0]);
	wakeWrite_.reset(fds[1]);
}

std::optional<RawMessage> MemReader::read()
{
	if (next_ >= messages_.size())
		return std::nullopt;
	next_++;
	return RawMessage{messages_[next_ - 1], name_ + ":" + std::to_string(next_), {}, false};
}

int MemReader::waitFd() const noexcept
{
	return live_ ? wakeRead_.get() : -1;
}

void MemReader::onWaitFdReady()
{
	char buf[64];
	while (wakeRead_ && base::readSome(wakeRead_.get(), buf, sizeof(buf)) > 0) {
	}
}

void MemReader::append(std::string message)
{
	messages_.push_back(std::move(message));
	if (wakeWrite_)
		base::writeAll(wakeWrite_.get(), "x");
}

void MemReader::close() noexcept
{
	live_ = false;
	wakeWrite_.reset();
}

} // namespace tlog::source
