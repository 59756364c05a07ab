// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tlog/base/clock.hpp"
#include "tlog/sink/forwarding_writer.hpp"

namespace tlog::sink {

/// What happens to messages above the rate limit.
enum class LimitAction {
	Pass,  ///< no limit: everything goes through
	Delay, ///< wait until the message fits the limit, then write it
	Drop,  ///< discard it (reported on stderr, never silently)
};

/// Parses "pass", "delay" or "drop".
/// Throws: std::invalid_argument for anything else.
LimitAction parseLimitAction(std::string_view name);

/// Limits the message bytes passed to the writer below to a token
/// bucket: @p rate bytes per second on average, with up to @p burst bytes
/// above that at once. The bucket starts full. A message bigger than the
/// whole bucket passes when the bucket is full (and leaves it in debt),
/// so no message is ever too big to get through.
///
/// Drops are reported: one line on stderr at the first, and a summary
/// "dropped N messages (M bytes)" at flush() and destruction.
class RateLimitWriter final : public ForwardingWriter {
public:
	/// Takes ownership of @p below; @p clock (borrowed) is the time it
	/// counts and waits by.
	/// Throws: std::invalid_argument for Delay with a rate of 0 (it would
	/// wait forever).
	RateLimitWriter(std::unique_ptr<Writer> below, std::uint64_t rate, std::uint64_t burst,
			LimitAction action, base::Clock &clock = base::systemClock());
	~RateLimitWriter() override;

	/// Throws: whatever the writer below throws.
	void write(std::string_view message, const MessageFields &fields) override;
	/// Reports drops not yet reported, then flushes the writer below.
	/// Throws: whatever the writer below throws.
	void flush() override;
	// Held messages, retrying them and congestion are the writer below's
	// (ForwardingWriter).

	std::uint64_t droppedMessages() const noexcept { return droppedMessages_; }
	std::uint64_t droppedBytes() const noexcept { return droppedBytes_; }

private:
	void refill();
	void reportDrops() noexcept;

	double rate_;
	double capacity_;
	LimitAction action_;
	base::Clock &clock_;
	double tokens_;
	base::Timestamp last_;
	std::uint64_t droppedMessages_ = 0;
	std::uint64_t droppedBytes_ = 0;
	std::uint64_t reportedMessages_ = 0;
};

} // namespace tlog::sink
