// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/sink/rate_limit_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "tlog/base/log.hpp"

namespace tlog::sink {

LimitAction parseLimitAction(std::string_view name)
{
	if (name == "pass")
		return LimitAction::Pass;
	if (name == "delay")
		return LimitAction::Delay;
	if (name == "drop")
		return LimitAction::Drop;
	throw std::invalid_argument("unknown limit action '" + std::string(name) +
				    "' (pass, delay or drop)");
}

RateLimitWriter::RateLimitWriter(std::unique_ptr<Writer> below, std::uint64_t rate,
				 std::uint64_t burst, LimitAction action, base::Clock &clock)
    : ForwardingWriter(std::move(below)), rate_(static_cast<double>(rate)),
      capacity_(static_cast<double>(burst)), action_(action), clock_(clock), tokens_(capacity_),
      last_(clock_.monotonic())
{
	if (action_ == LimitAction::Delay && rate == 0)
		throw std::invalid_argument("a rate limit of 0 with action \"delay\" would stop "
					    "the recording forever");
}

RateLimitWriter::~RateLimitWriter()
{
	reportDrops();
}

void RateLimitWriter::refill()
{
	auto now = clock_.monotonic();
	if (now > last_) {
		double seconds = std::chrono::duration<double>(now - last_).count();
		tokens_ = std::min(capacity_, tokens_ + seconds * rate_);
		last_ = now;
	}
}

void RateLimitWriter::write(std::string_view message, const MessageFields &fields)
{
	if (action_ == LimitAction::Pass) {
		target().write(message, fields);
		return;
	}
	refill();
	double size = static_cast<double>(message.size());
	// A message bigger than the bucket needs a full bucket, not more.
	double needed = std::min(size, capacity_);
	if (tokens_ < needed) {
		if (action_ == LimitAction::Drop) {
			if (droppedMessages_ == 0)
				base::logLine("logging rate limit reached: dropping messages");
			droppedMessages_++;
			droppedBytes_ += message.size();
			return;
		}
		double seconds = (needed - tokens_) / rate_;
		clock_.sleepUntil(clock_.monotonic() + std::chrono::ceil<base::Timestamp>(
							   std::chrono::duration<double>(seconds)));
		refill();
		// A sleep that came back early still owes the difference.
		tokens_ = std::max(tokens_, needed);
	}
	tokens_ -= size;
	target().write(message, fields);
}

void RateLimitWriter::flush()
{
	reportDrops();
	target().flush();
}

void RateLimitWriter::reportDrops() noexcept
{
	if (droppedMessages_ == reportedMessages_)
		return;
	reportedMessages_ = droppedMessages_;
	base::logLine("logging rate limit: dropped " + std::to_string(droppedMessages_) +
		      " messages (" + std::to_string(droppedBytes_) + " bytes)");
}

} // namespace tlog::sink
