// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tlog/base/unique_fd.hpp"
#include "tlog/source/reader.hpp"

namespace tlog::source {

/// A reader over messages held in memory, the seam for player tests.
/// Message N (1-based) is located as "NAME:N". A live MemReader behaves
/// like a followed file: it is not finished() at its end, append() adds
/// messages and makes waitFd() readable, close() ends it.
class MemReader final : public Reader {
public:
	/// Throws: std::system_error when a live reader cannot make its pipe.
	explicit MemReader(std::vector<std::string> messages, std::string name = "mem",
			   bool live = false);

	std::optional<RawMessage> read() override;
	int waitFd() const noexcept override;
	/// Throws: std::system_error.
	void onWaitFdReady() override;
	bool finished() const noexcept override { return !live_; }
	std::string name() const override { return name_; }
	/// The number of messages read so far.
	std::optional<std::string> mark() const override { return std::to_string(next_); }
	void rewind(const std::string &mark) override { next_ = std::stoul(mark); }

	/// Adds a message and wakes waitFd(). Throws: std::system_error.
	void append(std::string message);
	/// Ends a live reader: no more messages will come.
	void close() noexcept;

	/// How many messages read() has handed out.
	std::size_t consumed() const noexcept { return next_; }

private:
	std::vector<std::string> messages_;
	std::string name_;
	bool live_;
	std::size_t next_ = 0;
	base::UniqueFd wakeRead_, wakeWrite_;
};

} // namespace tlog::source
