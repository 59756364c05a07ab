// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "tlog/base/clock.hpp"
#include "tlog/sink/writer.hpp"

namespace tlog::sink {

/// The base of writers that wrap another one (a rate limit, a writer made
/// later): every Writer call goes to the target unless the subclass
/// overrides it. A virtual added to Writer gets its forwarding here, once,
/// so no decorator can silently swallow it.
class ForwardingWriter : public Writer {
public:
	void write(std::string_view message, const MessageFields &fields) override
	{
		target().write(message, fields);
	}
	/// Message by message through write(), so that a decorator that
	/// overrides write() (a rate limit) sees each one; not to the
	/// target's writeBatch(), which would pass it by.
	void writeBatch(std::span<const Outgoing> batch, std::size_t &delivered) override
	{
		Writer::writeBatch(batch, delivered);
	}
	void checkReady() override { target().checkReady(); }
	void flush() override { target().flush(); }
	std::optional<base::Timestamp> retryDeadline() const noexcept override
	{
		return target_ ? target_->retryDeadline() : std::nullopt;
	}
	void retry() override { target().retry(); }
	std::size_t maxMessageSize() const noexcept override
	{
		return target_ ? target_->maxMessageSize() : 0;
	}

protected:
	explicit ForwardingWriter(std::unique_ptr<Writer> target = nullptr) noexcept
	    : target_(std::move(target))
	{
	}

	void setTarget(std::unique_ptr<Writer> target) noexcept { target_ = std::move(target); }

	/// Throws: std::logic_error while there is no target.
	Writer &target()
	{
		if (!target_)
			throw std::logic_error("no writer to forward to");
		return *target_;
	}

private:
	std::unique_ptr<Writer> target_;
};

} // namespace tlog::sink
